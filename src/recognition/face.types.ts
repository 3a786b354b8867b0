/** Plain data shared by the camera, the inference worker, the matcher and the overlay. */

export type Point = [number, number];

/** Axis-aligned box in source-frame pixels, top-left origin. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A face as a detector sees it. Landmarks are the five ArcFace points in image pixels,
 * in this order: right eye, left eye, nose tip, right mouth corner, left mouth corner
 * ("right" as seen by the person, i.e. on the left of the picture).
 */
export interface DetectedFace {
  box: Box;
  landmarks: Point[];
  score: number;
  /** On stream frames: a tiny colour signature of the box (vision/frame-change.ts), for the tracker to notice another face. */
  appearance?: number[];
}

/** A detected face with its L2-normalised embedding. */
export interface EmbeddedFace extends DetectedFace {
  embedding: Float32Array;
}

/** A packed 8-bit BGR image (OpenCV's channel order), row-major, no row padding. */
export interface BgrImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export const ENGINE_NAMES = ['yunet-edgeface', 'human'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Extra full-resolution detection for small faces (SMALL_FACE_PASS; see the YuNet engine). */
export const SMALL_FACE_PASSES = ['off', 'regions', 'tiles'] as const;
export type SmallFacePass = (typeof SMALL_FACE_PASSES)[number];
