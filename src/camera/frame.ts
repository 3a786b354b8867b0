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
   * The pipeline is done with the frame (it calls this for every frame, after release). With a
   * buffer pool, the pixels' buffer then holds a later frame as soon as every `hold` has let go
   * too (see frame-holds.ts). Sources without a pool leave both out: the collector frees their frames.
   */
  recycle?(): void;
  /**
   * Keeps the pixels from being reused until the returned function is called: taken by whoever
   * reads them after the pipeline may be done (recognition, a recorder cropping a face later).
   * Must be taken before the pipeline calls `recycle`.
   */
  hold?(): () => void;
}
