import { allocateSharedFrame } from '../../common/collect-shared-frames';

/**
 * A few frame buffers of one size, reused. A frame's buffer is given back when the pipeline and
 * everyone holding its pixels (recognition, recorders; see frame-holds.ts) are done with it, so a
 * camera's frames no longer wait for a garbage collection to free 2.7 MB of shared memory each
 * (V8 does not count shared memory in its heuristics; see collect-shared-frames.ts). Buffers
 * beyond `maxFree` are left to the collector. A camera's frames in flight are bounded (up to 4 waiting
 * to be drawn, 2 in recognition, those the recorders hold), so `maxFree` covers them: a pool that
 * kept only 4 dropped the rest of every burst and allocated again on the next one (four cameras:
 * ~2 new frames a second each, garbage a full collection frees only every 1 GB, PSS 600 → 1,040 MB
 * over a 10-minute soak); with 12 each camera stops allocating after its first seconds.
 */
export class FrameBufferPool {
  private readonly free: Uint8Array[] = [];

  constructor(
    readonly frameBytes: number,
    private readonly maxFree = 12,
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
