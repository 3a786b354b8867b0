import type { CameraRecognition } from '../../recognition/recognition.service';
import type { PlaceholderPolicy } from '../placeholder-schedule';
import type { PrivacyMode } from '../privacy';

/** Everything one camera's pipeline needs to know, resolved from the server's settings and the camera's overrides. */
export interface PipelineSettings {
  camera: string;
  /** Recognise every Nth frame. */
  recognizeEveryN: number;
  /**
   * How long a frame sent to recognition may wait for its own result before it is drawn with
   * the previous one. Only while recognition typically finishes within this time: with a slow
   * engine, waiting would only add latency, so frames are drawn with the newest result at once.
   */
  overlayWaitMs: number;
  /**
   * On frames without their own detection, draw a tracked face only where a quick detection
   * around its predicted box finds it again (when the engine can; else every predicted box).
   */
  confirmTracks: boolean;
  /** Frames allowed to queue for rendering before the oldest are dropped. */
  maxRenderQueue: number;
  jpegQuality: number;
  /** Faces blurred on the stream. */
  privacy: PrivacyMode;
  /** The offline image while the camera is down: how often, and after how long without frames. */
  placeholder?: PlaceholderPolicy;
  recognition: CameraRecognition;
}

/** The server-wide stream settings a camera's own ones fall back to. */
export type StreamDefaults = Omit<PipelineSettings, 'camera' | 'recognition'>;
