import { FrameBufferPool } from './frame-buffer-pool';

/**
 * Cuts a stream of headerless raw frames (fixed size) into frames, with one copy per frame:
 * chunks are copied straight into the frame's shared buffer (new, or a recycled one) as they
 * arrive, so the vision thread reads the pixels in place (a SharedArrayBuffer is shared, never
 * cloned, by postMessage).
 */
export class RawFrameAssembler {
  private current?: Uint8Array;
  private filled = 0;
  private startedAt = 0;

  private readonly frameBytes: number;

  constructor(
    private readonly pool: FrameBufferPool,
    private readonly onFrame: (data: Uint8Array, readMs: number) => void,
  ) {
    this.frameBytes = pool.frameBytes;
    if (!Number.isInteger(this.frameBytes) || this.frameBytes <= 0) throw new Error(`bad frame size ${this.frameBytes}`);
  }

  /**
   * Where the next bytes belong: the rest of the current frame's shared buffer, so a reader can
   * read into it directly (no intermediate buffer at all); call `wrote` with how many it wrote.
   */
  target(): Uint8Array {
    if (!this.current) {
      this.current = this.pool.acquire();
      this.filled = 0;
      this.startedAt = performance.now();
    }
    return this.current.subarray(this.filled);
  }

  /** `n` bytes were written at the start of the last `target()`. */
  wrote(n: number): void {
    if (!this.current || n > this.frameBytes - this.filled) throw new Error(`wrote ${n} bytes where ${this.current ? this.frameBytes - this.filled : 0} were free`);
    this.filled += n;
    if (this.filled === this.frameBytes) {
      const frame = this.current;
      this.current = undefined;
      // Time from the frame's first byte to its last: the transfer, as seen by the server.
      this.onFrame(frame, performance.now() - this.startedAt);
    }
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        this.current = this.pool.acquire();
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
