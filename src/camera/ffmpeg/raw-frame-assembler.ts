import { allocateSharedFrame } from '../../common/collect-shared-frames';

/**
 * Cuts a stream of headerless raw frames (fixed size) into frames, with one copy per frame:
 * chunks are copied straight into the frame's own shared buffer as they arrive, so the vision
 * thread reads the pixels in place (a SharedArrayBuffer is shared, never cloned, by postMessage).
 */
export class RawFrameAssembler {
  private current?: Uint8Array;
  private filled = 0;
  private startedAt = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly onFrame: (data: Uint8Array, readMs: number) => void,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new Error(`bad frame size ${frameBytes}`);
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        this.current = allocateSharedFrame(this.frameBytes);
        this.filled = 0;
        this.startedAt = performance.now();
      }
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        const frame = this.current;
        this.current = undefined;
        // Time from the frame's first byte to its last: the pipe transfer, as seen by the server.
        this.onFrame(frame, performance.now() - this.startedAt);
      }
    }
  }
}
