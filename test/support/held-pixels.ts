/** A FrameObservation.hold that counts: how many holds were taken and how many are still out. */
export class HeldPixels {
  taken = 0;
  out = 0;

  readonly hold = (): (() => void) => {
    this.taken++;
    this.out++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.out--;
    };
  };
}
