import type { Observable } from 'rxjs';
import type { CameraSource } from './camera-source';
import type { Frame } from './frame';

export type CaptureEvent =
  | { type: 'opened'; width: number; height: number; fps: number; frameCount: number }
  | {
      type: 'frame';
      position: number;
      capturedAt: number;
      readMs: number;
      skipped: number;
      /** Corrupt frames the decoder skipped just before this one. */
      corrupt: number;
      image: Frame['image'];
      release: () => void;
      /** The pipeline is done with the pixels; with `hold`, see Frame.recycle and Frame.hold. */
      recycle?: () => void;
      hold?: () => () => void;
    }
  /** FFmpeg reported a decoding problem (one line of its log); the capture carries on. */
  | { type: 'decoder-warning'; message: string }
  | { type: 'ended' }
  /** `timedOut`: the watchdog killed a source that stopped delivering (or never opened). */
  | { type: 'failed'; reason: string; timedOut?: boolean };

export interface CaptureSessionOptions {
  loop: boolean;
  paced: boolean;
  maxInFlight?: number;
  /** Start of the session to the source being open. */
  openTimeoutMs?: number;
  /** Longest wait for the next frame while the pipeline is ready for one. */
  readTimeoutMs?: number;
}

/**
 * One connection attempt to a source: a child process that decodes it, and its events. The
 * camera starts a new session to reconnect.
 */
export interface SourceSession {
  readonly events$: Observable<CaptureEvent>;
  stop(): Promise<void>;
}

export type OpenSession = (source: CameraSource, options: CaptureSessionOptions) => SourceSession;
