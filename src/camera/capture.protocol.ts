import type { CameraSource } from './camera-source';

export interface CaptureWorkerData {
  source: CameraSource;
  /** Restart files at their end. */
  loop: boolean;
  /** Pace files at their own frame rate (a live source is always read as it arrives). */
  paced: boolean;
  /**
   * Shared counter of frames posted but not yet taken by the main thread. The worker
   * skips frames while it is above `maxInFlight`, so a stalled main thread never makes
   * frames pile up in the message queue.
   */
  inFlight: SharedArrayBuffer;
  maxInFlight: number;
}

export type CaptureMessage =
  | { type: 'opened'; width: number; height: number; fps: number; frameCount: number }
  | { type: 'frame'; position: number; capturedAt: number; readMs: number; width: number; height: number; data: Uint8Array; skipped: number }
  | { type: 'ended' }
  | { type: 'error'; message: string };
