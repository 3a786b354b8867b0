import type { BgrImage, Box, DetectedFace, SmallFacePass } from '../face.types';

/** How one detect call should run. */
export interface DetectOptions {
  maxInputWidth: number;
  minScore: number;
  /**
   * The video stream (camera) the image is a frame of; absent for still photos. Engines that
   * keep state between frames (the small-face pass remembers the last frame's faces) keep it
   * per stream, so two cameras' frames never mix.
   */
  stream?: string;
  /** Overrides the engine's small-face pass for this call (a camera's own setting). */
  smallFacePass?: SmallFacePass;
}

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
  detect(image: BgrImage, options: DetectOptions): Promise<DetectedFace[]>;
  /** Drops whatever the engine keeps for a stream (its camera was removed). */
  forgetStream?(stream: string): void;
  /**
   * Optional: finds faces only near the given boxes (tracked faces between recognitions), much
   * more cheaply than a whole-frame detect. Faces in the coordinates of `image`, in no order.
   */
  detectAround?(image: BgrImage, boxes: Box[], minScore: number): Promise<DetectedFace[]>;
  /** One L2-normalised vector per face, in order. */
  embed(image: BgrImage, faces: DetectedFace[]): Promise<Float32Array[]>;
  /** Optional: the faces of several images in one batch of the model, per image in order. */
  embedMany?(items: ReadonlyArray<{ image: BgrImage; faces: DetectedFace[] }>): Promise<Float32Array[][]>;
  dispose(): Promise<void>;
}
