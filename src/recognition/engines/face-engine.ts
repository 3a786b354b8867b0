import type { BgrImage, Box, DetectedFace } from '../face.types';

/**
 * The boundary around one inference engine (detector + embedding model).
 * Engines run inside the inference worker thread only.
 */
export interface FaceEngine {
  /** Identifies the embedding space; stored with every face sample so vectors are never mixed. */
  readonly modelId: string;
  readonly embeddingSize: number;
  /**
   * Finds every face in the image. `maxInputWidth` lets callers trade small-face recall
   * for speed: the engine may downscale to at most that width before detecting, but
   * always reports boxes and landmarks in the coordinates of `image`.
   */
  detect(image: BgrImage, options: { maxInputWidth: number; minScore: number }): Promise<DetectedFace[]>;
  /**
   * Optional: finds faces only near the given boxes (tracked faces between recognitions), much
   * more cheaply than a whole-frame detect. Faces in the coordinates of `image`, in no order.
   */
  detectAround?(image: BgrImage, boxes: Box[], minScore: number): Promise<DetectedFace[]>;
  /** One L2-normalised vector per face, in order. */
  embed(image: BgrImage, faces: DetectedFace[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}
