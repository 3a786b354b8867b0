/**
 * Who still reads a pooled frame's pixels. The pipeline holds every frame from the start and lets
 * go when it is done (Frame.recycle); recognition and recorders that crop faces later take their
 * own holds (Frame.hold). When the last one lets go, the buffer goes back to the pool for a later
 * frame, so a camera's frames are written into a few reused buffers instead of 2.7 MB of fresh
 * shared memory each (which the garbage collector frees late; see collect-shared-frames.ts).
 */
export interface FrameHolds {
  /** A new holder: the pixels stay until the returned function is called (extra calls do nothing). */
  hold(): () => void;
  /** The pipeline is done with the frame (its own hold; extra calls do nothing). */
  done(): void;
}

export function frameHolds(free: () => void): FrameHolds {
  let holders = 1;
  let pipelineDone = false;
  const letGo = () => {
    if (--holders === 0) free();
  };
  return {
    hold() {
      // Reading pixels already handed to a later frame would show the wrong picture: a bug, loudly.
      if (holders === 0) throw new Error('frame already recycled: its pixels belong to a later frame');
      holders++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        letGo();
      };
    },
    done() {
      if (pipelineDone) return;
      pipelineDone = true;
      letGo();
    },
  };
}
