import type { BgrImage } from '../recognition/face.types';

/** One captured video frame, as it travels through the app. */
export interface Frame {
  /** Sequence number since the camera service started; never repeats, even across reconnects. */
  index: number;
  /** Frame number within the source (restarts at 0 when a file loops or a stream reopens). */
  position: number;
  /** Capture time, epoch milliseconds with sub-millisecond precision. */
  capturedAt: number;
  /** Time spent reading and decoding it from the source. */
  readMs: number;
  image: BgrImage;
  /**
   * The pipeline calls this when it is done with the frame. For a file read as fast as
   * possible it is what lets the capture thread read the next one (flow control instead
   * of dropped frames); for live and paced sources it does nothing.
   */
  release(): void;
  /**
   * Called instead of leaving the frame to the garbage collector when nobody will read its
   * pixels again (a frame that was only drawn): its buffer holds the next frame. Sources
   * without a buffer pool leave it out.
   */
  recycle?(): void;
}
