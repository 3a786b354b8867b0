import type { BgrImage, EmbeddedFace, EngineName } from '../face.types';

/** Settings the inference worker starts with. */
export interface InferenceOptions {
  engine: EngineName;
  modelsDir: string;
  /** Frames wider than this are downscaled before detection (0 = never). */
  detectionWidth: number;
  minScore: number;
}

export interface EngineInfo {
  engine: EngineName;
  modelId: string;
  embeddingSize: number;
}

/** One face found in an uploaded photo, with a small JPEG crop for people lists. */
export interface PhotoFace extends EmbeddedFace {
  thumbnailJpeg: Uint8Array;
}

export interface PhotoAnalysis {
  /** Size after EXIF orientation was applied. */
  width: number;
  height: number;
  faces: PhotoFace[];
}

/** Error codes the worker raises for photos (WorkerCallError.code). */
export const PHOTO_UNDECODABLE = 'PHOTO_UNDECODABLE';

/**
 * What the main thread may ask of the inference worker. Photo analysis looks at the
 * photo at full resolution (up to a sane cap), frames at `detectionWidth`.
 */
export interface InferenceApi {
  [method: string]: (...args: any[]) => unknown;
  init(options: InferenceOptions): Promise<EngineInfo>;
  analyzeFrame(image: BgrImage): Promise<EmbeddedFace[]>;
  analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis>;
}
