import type { BgrImage } from '../recognition/face.types';
import type { RecognizedFace } from '../recognition/recognition.service';
import type { DetectionScope } from '../vision/detection-gate';

/** The outcome of recognition on one frame; also the Socket.IO event payload. */
export interface RecognitionEvent {
  /** The camera's name. */
  camera: string;
  frameIndex: number;
  capturedAt: number;
  recognizedAt: number;
  inferenceMs: number;
  detectMs: number;
  embedMs: number;
  matchingMs: number;
  faces: RecognizedFace[];
}

/**
 * A recognition result with what per-face consumers (sightings, the unknown-faces inbox) need
 * besides: the frame's pixels (read-only, for face crops) and the embedding of each face that
 * was embedded on this frame (null for the faces the tracker vouched for), in `faces` order.
 */
export interface FrameObservation extends RecognitionEvent {
  image: BgrImage;
  embeddings: (Float32Array | null)[];
  /**
   * Keeps `image` from being reused for a later frame until the returned function is called.
   * An observer that reads the pixels after its handler returns (a crop made later) must take
   * it in the handler, synchronously, and call it when done.
   */
  hold(): () => void;
}

/** One encoded output frame, shared by every viewer. */
export interface AnnotatedFrame {
  /** The camera's name. */
  camera: string;
  index: number;
  /** Frame number within the source. */
  position: number;
  capturedAt: number;
  encodedAt: number;
  faces: RecognizedFace[];
  jpeg: Buffer;
  drawMs: number;
  encodeMs: number;
  /** Round trip of the check that tracked faces are still there (frames drawn from predictions only). */
  confirmMs?: number;
  /** The "camera offline, reconnecting" image, not a camera frame (index/position: the last live frame's). */
  offline?: boolean;
}

export interface StreamStats {
  framesIn: number;
  framesOut: number;
  recognitionsRun: number;
  facesDetected: number;
  /** Faces embedded: the tracker skips faces whose identity is settled and fresh. */
  facesEmbedded: number;
  recognitionsFailed: number;
  /** Frames chosen for recognition but replaced by a newer one while inference was busy. */
  recognitionDropped: number;
  /** Recognised frames that cut away from the previous one (scene change, camera jump): every track re-checked. */
  sceneCuts: number;
  /**
   * Recognised frames by where detection looked (MOTION_GATING): the whole frame, only around the
   * tracked faces (nothing else moved), or nowhere (nothing tracked, nothing moved).
   */
  detections: Record<DetectionScope, number>;
  /** Frames not encoded because rendering fell too far behind (or failed). */
  outputDropped: number;
  /** Live frames drawn and JPEG-encoded: once per frame, whatever the number of viewers. */
  framesEncoded: number;
  /** Live frames not drawn because nobody watched the camera (recognition still ran on the chosen ones). */
  framesUnwatched: number;
  /** Offline images ("camera offline, reconnecting") encoded and sent while the camera was down. */
  placeholdersSent: number;
  /** MJPEG viewers connected now. */
  viewers: number;
  /** MJPEG viewers connected since start. */
  viewersTotal: number;
  /** Frames written to viewers (summed over viewers). */
  viewerFramesSent: number;
  /** Frames skipped for a viewer whose socket was still full (slow or paused client), summed over viewers. */
  viewerFramesDropped: number;
  /** Tracked faces found again by the quick check around their predicted box, on frames without their own detection (summed over frames). */
  tracksConfirmed: number;
  /** Tracked faces that check did not find, so not drawn on that frame (a face that left, or a detector miss). */
  tracksHidden: number;
  /** Tracked faces drawn unchecked because drawing had fallen behind (the check is shed first). */
  tracksUnchecked: number;
  /** Live subscriptions to the encoded frame stream (viewers and internal consumers); returns to its base when viewers leave. */
  frameSubscriptions: number;
}
