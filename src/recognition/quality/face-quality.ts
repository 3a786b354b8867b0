/**
 * How good a view of a face is for enrolling it: size, sharpness and a frontal pose (from the five
 * landmarks), each scored 0–1; the view is as good as its weakest aspect. Pure, no OpenCV.
 */
import type { BgrImage, Box, Point } from '../face.types';

export interface FaceQuality {
  /** Face height against what the embedding model sees (112 px aligned): 0 at 24 px, 1 from 96 px. */
  size: number;
  /** Detail in the face (variance of the Laplacian of a 64x64 grey copy): 0 when flat, 1 from SHARP_VARIANCE. */
  sharpness: number;
  /** 1 frontal, falling to 0 at about 40° of yaw or a strong tilt up or down. */
  pose: number;
  /** The weakest of the three. */
  overall: number;
}

const SIZE_ZERO_PX = 24;
const SIZE_FULL_PX = 96;
/**
 * Laplacian variance that counts as fully sharp. Measured on testdata/people (48 photos, 250 px,
 * ~110 px faces, JPEG): 5th–95th percentile 143–873, median 428; the same photos blurred by a
 * 2.5 px Gaussian: 17–68. So an ordinary photo scores about 1, a blurred one under 0.5.
 */
export const SHARP_VARIANCE = 150;
/**
 * Nose offset from the eyes' midpoint, in eye distances, at which the pose scores 0 (about 40° of yaw).
 * YuNet on testdata/people (96 mostly frontal photos): median 0.11, 75th percentile 0.18, 95th 0.29.
 */
const YAW_LIMIT = 0.5;
/**
 * Frontal: where the nose sits from the eyes down to the mouth, as YuNet places the landmarks
 * (testdata/people: median 0.56, 5th–95th percentile 0.50–0.62; ArcFace's template says 0.495).
 */
const PITCH_FRONTAL = 0.56;
const PITCH_LIMIT = 0.25;
/** Roll is undone by alignment; only an extreme one costs. */
const ROLL_LIMIT_DEG = 60;

export function faceQuality(face: { box: Box; landmarks: readonly Point[]; sharpness: number }): FaceQuality {
  const size = clamp01((face.box.height - SIZE_ZERO_PX) / (SIZE_FULL_PX - SIZE_ZERO_PX));
  const sharpness = clamp01(face.sharpness / SHARP_VARIANCE);
  const pose = poseScore(face.landmarks);
  return { size: round2(size), sharpness: round2(sharpness), pose: round2(pose), overall: round2(Math.min(size, sharpness, pose)) };
}

/** 1 for a frontal face, 0 for a profile or strong tilt; 0 without the five landmarks. */
export function poseScore(landmarks: readonly Point[]): number {
  if (landmarks.length < 5) return 0;
  const [rightEye, leftEye, nose, rightMouth, leftMouth] = landmarks;
  const eyes = midpoint(rightEye, leftEye);
  const mouth = midpoint(rightMouth, leftMouth);
  const eyeDistance = Math.hypot(leftEye[0] - rightEye[0], leftEye[1] - rightEye[1]);
  const eyesToMouth = mouth[1] - eyes[1];
  if (eyeDistance <= 0 || eyesToMouth <= 0) return 0;
  const yaw = Math.abs(nose[0] - eyes[0]) / eyeDistance / YAW_LIMIT;
  const pitch = Math.abs((nose[1] - eyes[1]) / eyesToMouth - PITCH_FRONTAL) / PITCH_LIMIT;
  const roll = Math.abs((Math.atan2(leftEye[1] - rightEye[1], leftEye[0] - rightEye[0]) * 180) / Math.PI) / ROLL_LIMIT_DEG;
  return clamp01(1 - Math.max(yaw, pitch, roll));
}

/** Grid the face is resampled to before measuring detail, so faces of every size are measured alike. */
const GRID = 64;

/**
 * Variance of the Laplacian of the face (the middle 80 % of its box, less background) resampled to
 * 64x64 grey by nearest pixel: about 4,000 pixel reads, whatever the face's size.
 */
export function faceSharpness(image: BgrImage, box: Box): number {
  const inset = 0.1;
  const x0 = box.x + box.width * inset;
  const y0 = box.y + box.height * inset;
  const w = box.width * (1 - 2 * inset);
  const h = box.height * (1 - 2 * inset);
  const grey = new Float32Array(GRID * GRID);
  for (let gy = 0; gy < GRID; gy++) {
    const y = clampInt(Math.floor(y0 + ((gy + 0.5) * h) / GRID), image.height - 1);
    for (let gx = 0; gx < GRID; gx++) {
      const x = clampInt(Math.floor(x0 + ((gx + 0.5) * w) / GRID), image.width - 1);
      const at = (y * image.width + x) * 3;
      grey[gy * GRID + gx] = 0.114 * image.data[at] + 0.587 * image.data[at + 1] + 0.299 * image.data[at + 2];
    }
  }
  let sum = 0;
  let squares = 0;
  const n = (GRID - 2) * (GRID - 2);
  for (let y = 1; y < GRID - 1; y++) {
    for (let x = 1; x < GRID - 1; x++) {
      const i = y * GRID + x;
      const laplacian = grey[i - 1] + grey[i + 1] + grey[i - GRID] + grey[i + GRID] - 4 * grey[i];
      sum += laplacian;
      squares += laplacian * laplacian;
    }
  }
  const mean = sum / n;
  return squares / n - mean * mean;
}

function midpoint(a: Point, b: Point): Point {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function clampInt(value: number, max: number): number {
  return Math.min(max, Math.max(0, value));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
