import type { CameraSource } from './camera-source';

/** Settings passed to the capture process (as JSON in its argv). */
export interface CaptureSettings {
  source: CameraSource;
  /** Restart files at their end. */
  loop: boolean;
  /** Pace files at their own frame rate (a live source is always read as it arrives). */
  paced: boolean;
  /**
   * Frames the process may have sent and not yet had credited back. Live and paced sources
   * skip frames while out of credit, so a stalled server never makes frames pile up; an
   * unpaced file waits instead (batch processing without drops).
   */
  maxInFlight: number;
}

/** Capture process → server (IPC). Frames themselves go over the frame pipe. */
export type CaptureReport =
  | { type: 'opened'; width: number; height: number; fps: number; frameCount: number }
  | { type: 'ended' }
  | { type: 'error'; message: string };

/** Server → capture process (IPC). */
export type CaptureCommand = { type: 'credit' } | { type: 'stop' };

/** stdio index of the frame pipe in the capture process. */
export const FRAME_PIPE_FD = 4;
