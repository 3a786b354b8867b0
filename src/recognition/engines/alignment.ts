import type { Point } from '../face.types';

/** Side of the aligned face crop the embedding models expect. */
export const ALIGNED_SIZE = 112;

/** The standard ArcFace 5-point template for a 112x112 crop (same order as DetectedFace.landmarks). */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** Row-major 2x3 affine matrix [a, b, tx, c, d, ty]: x' = a·x + b·y + tx, y' = c·x + d·y + ty. */
export type Affine2x3 = [number, number, number, number, number, number];

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) taking `src`
 * onto `dst`. This is Umeyama's solution; in 2-D it has a closed form: treating points as
 * complex numbers, the best z -> q·z + t is q = Σ conj(s_i)·d_i / Σ |s_i|² over centred points.
 * It never reflects, which is what we want for faces.
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): Affine2x3 {
  if (src.length !== dst.length || src.length < 2) throw new Error('need at least 2 matching point pairs');
  const n = src.length;
  const [sx, sy] = mean(src);
  const [dx, dy] = mean(dst);
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i][0] - sx;
    const y = src[i][1] - sy;
    const u = dst[i][0] - dx;
    const v = dst[i][1] - dy;
    re += x * u + y * v;
    im += x * v - y * u;
    norm += x * x + y * y;
  }
  if (norm === 0) throw new Error('source points are all identical');
  const a = re / norm; // scale·cos θ
  const b = im / norm; // scale·sin θ
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

/** The matrix that warps a face with these landmarks onto the 112x112 ArcFace template. */
export function alignmentMatrix(landmarks: readonly Point[]): Affine2x3 {
  if (landmarks.length !== ARCFACE_TEMPLATE.length) throw new Error(`expected 5 landmarks, got ${landmarks.length}`);
  return similarityTransform(landmarks, ARCFACE_TEMPLATE);
}

export function applyAffine(m: Affine2x3, [x, y]: Point): Point {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}
