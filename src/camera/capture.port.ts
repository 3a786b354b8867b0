import type { BehaviorSubject, Observable } from 'rxjs';
import type { CameraOptions, CameraState, CameraStatus } from './camera-capture';
import type { Frame } from './frame';

/** One camera's running capture, as the pipeline sees it. */
export interface FrameSource {
  /** Every captured frame, hot; completes when the source ends for good or is stopped. */
  readonly frames$: Observable<Frame>;
  readonly state$: BehaviorSubject<CameraState>;
  start(): void;
  stop(): Promise<void>;
  getStatus(): CameraStatus;
}

/**
 * The port to camera capture: opens a source (a capture process per camera in production; a
 * scripted fake in service specs).
 */
export abstract class CapturePort {
  abstract open(options: CameraOptions): FrameSource;
}
