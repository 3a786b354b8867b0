import { allocateSharedFrame } from '../../common/collect-shared-frames';

/**
 * A few frame buffers of one size, reused. A frame's buffer is given back when the pipeline and
 * everyone holding its pixels (recognition, recorders; see frame-holds.ts) are done with it, so a
 * camera's frames no longer wait for a garbage collection to free 2.7 MB of shared memory each
 * (V8 does not count shared memory in its heuristics; see collect-shared-frames.ts). Buffers
 * beyond `maxFree` (a burst is over) are left to the collector. Four cover the steady state (one being
 * written, one drawn, one recognised, one waiting); more only held memory.
 */
export class FrameBufferPool {
  private readonly free: Uint8Array[] = [];

  constructor(
    readonly frameBytes: number,
    private readonly maxFree = 4,
  ) {}

  acquire(): Uint8Array {
    return this.free.pop() ?? allocateSharedFrame(this.frameBytes);
  }

  /** `buffer` is no longer read by anyone: the next frame may be written into it. */
  recycle(buffer: Uint8Array): void {
    if (buffer.byteLength !== this.frameBytes || this.free.length >= this.maxFree || this.free.includes(buffer)) return;
    this.free.push(buffer);
  }

  get available(): number {
    return this.free.length;
  }
}
