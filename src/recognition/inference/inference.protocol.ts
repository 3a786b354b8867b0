import type { EmbeddingModelSpec } from '../engines/embedding-model';
import type { BgrImage, Box, DetectedFace, EmbeddedFace, EngineName, SmallFacePass } from '../face.types';
import type { DetectionScope } from '../../vision/detection-gate';

/** Settings the inference worker starts with. */
export interface InferenceOptions {
  engine: EngineName;
  modelsDir: string;
  /** Frames wider than this are downscaled before detection (0 = never). */
  detectionWidth: number;
  minScore: number;
  /**
   * YuNet engine, when a frame is downscaled for detection (SMALL_FACE_PASS): 'regions' also
   * detects at full resolution around last frame's small faces and the downscaled pass's small
   * weak candidates; 'tiles' adds one rotating quarter of the frame every other frame. Default 'off'.
   */
  smallFacePass?: SmallFacePass;
  /** YuNet engine: the user's own embedding model (EMBEDDING_MODEL) instead of the bundled EdgeFace-XS. */
  embeddingModel?: EmbeddingModelSpec;
}

export interface EngineInfo {
  engine: EngineName;
  modelId: string;
  embeddingSize: number;
  /** The engine can look for tracked faces near their boxes (detectAround) between recognitions. */
  detectsAround: boolean;
}

/** One face found in an uploaded photo, with a small JPEG crop for people lists. */
export interface PhotoFace extends EmbeddedFace {
  thumbnailJpeg: Uint8Array;
  /** Detail in the face (quality/face-quality.ts faceSharpness), measured on the decoded photo. */
  sharpness?: number;
}

/** The faces of one video frame, with where the time went (inside the vision thread). */
export interface FrameAnalysis {
  faces: EmbeddedFace[];
  detectMs: number;
  embedMs: number;
}

export interface PhotoAnalysis {
  /** Size after EXIF orientation was applied. */
  width: number;
  height: number;
  faces: PhotoFace[];
}

/** Error codes the worker raises for photos (WorkerCallError.code). */
export const PHOTO_UNDECODABLE = 'PHOTO_UNDECODABLE';

/** Which frame of which stream a call is about: every piece of engine state is keyed by camera. */
export interface FrameKey {
  /** The camera's name. */
  stream: string;
  /** The frame's index in that camera's sequence. */
  index: number;
}

/** A camera's own detection settings (its overrides of the server-wide ones). */
export interface FrameDetectOptions {
  detectionWidth?: number;
  minScore?: number;
  smallFacePass?: SmallFacePass;
  /**
   * Motion-gated detection (vision/detection-gate.ts): the whole frame only when something moved
   * outside the tracked faces, after a cut, or at least every `fullEveryMs`; otherwise only around
   * the tracked faces (engines that can; others always detect the whole frame). Unset: always the whole frame.
   */
  motionGating?: { fullEveryMs: number };
}

export interface FrameDetection {
  faces: DetectedFace[];
  detectMs: number;
  /** detectFrame only: whether this frame cut away from the camera's previous one (vision/frame-change.ts). */
  sceneCut?: boolean;
  /** detectFrame only: where it looked (the whole frame, around the tracked faces, or nowhere). */
  scope?: DetectionScope;
}

export interface FaceEmbeddings {
  embeddings: Float32Array[];
  embedMs: number;
}

/** Faces of a frame held for embedding (see detectFrame). */
export interface EmbedRequest {
  key: FrameKey;
  faces: DetectedFace[];
}

/** One request's answer in a batch: its embeddings, or why it failed alone (e.g. FRAME_GONE). */
export type EmbedOutcome = FaceEmbeddings | { error: string; code: string };

/** The engine's calls, served by whichever thread hosts the engine (see engine.handlers.ts). */
export interface EngineApi {
  [method: string]: (...args: any[]) => unknown;
  init(options: InferenceOptions): Promise<EngineInfo>;
  /** Detect and embed every face. */
  analyzeFrame(image: BgrImage): Promise<FrameAnalysis>;
  /**
   * Detection only; the engine keeps this frame (one per stream) so that embedFacesBatch can embed
   * just the faces the caller still needs without sending the pixels again. `tracked`: the
   * camera's tracked faces predicted for this frame, for motion gating.
   */
  detectFrame(key: FrameKey, image: BgrImage, options?: FrameDetectOptions, tracked?: Box[]): Promise<FrameDetection>;
  /**
   * Embeds the given faces of the frame last passed to detectFrame under the same key, for several
   * cameras' frames at once: all faces in one batch where the engine can (embedMany); answers in the
   * order asked. `embedMs` of each is its share of the batch's time.
   */
  embedFacesBatch(requests: EmbedRequest[]): Promise<EmbedOutcome[]>;
  /**
   * Faces near the given boxes only (tracked faces between recognitions), at the given (else the
   * configured) minimum score; rejects with DETECT_AROUND_UNSUPPORTED when the engine cannot (see EngineInfo).
   */
  detectAround(image: BgrImage, boxes: Box[], minScore?: number): Promise<FrameDetection>;
  /** Forgets everything held for a stream (its camera was removed). */
  forgetStream(stream: string): Promise<void>;
  /** A still photo at (nearly) full resolution, faces largest first. */
  analyzeImage(image: BgrImage): Promise<EmbeddedFace[]>;
}

/** Photo decoding and thumbnails, served by the vision thread (OpenCV). */
export interface PhotoApi {
  [method: string]: (...args: any[]) => unknown;
  /** Decodes with EXIF orientation applied; rejects with PHOTO_UNDECODABLE. */
  decodePhoto(encoded: Uint8Array): Promise<BgrImage>;
  faceThumbnails(image: BgrImage, boxes: Box[]): Promise<Uint8Array[]>;
}
