import { iou } from '../box-geometry';
import type { DetectedFace, Point } from '../face.types';

/** The three feature-map strides of YuNet 2023mar, in its output order. */
export const YUNET_STRIDES = [8, 16, 32] as const;

/** The twelve output names, in the order `decodeYunet` expects them (cls, obj, bbox, kps per stride). */
export const YUNET_OUTPUT_NAMES = (['cls', 'obj', 'bbox', 'kps'] as const).flatMap((kind) =>
  YUNET_STRIDES.map((stride) => `${kind}_${stride}`),
);

/** One stride's raw outputs: one row per grid cell, cells row-major over the padded input. */
export interface YunetLevel {
  stride: number;
  cls: Float32Array; // 1 value per cell
  obj: Float32Array; // 1 value per cell
  bbox: Float32Array; // 4 values per cell: dx, dy, log w, log h (in strides)
  kps: Float32Array; // 10 values per cell: 5 landmarks (dx, dy) in strides
}

/** YuNet pads its input to multiples of this at right and bottom. */
export const YUNET_ALIGN = 32;

export function padToMultiple(value: number, multiple = YUNET_ALIGN): number {
  return Math.ceil(value / multiple) * multiple;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Decodes every cell scoring at least `minScore` into a face in padded-input pixels
 * (the same formulas as OpenCV 4.8's FaceDetectorYN). No NMS here: see `nmsFaces`.
 */
export function decodeYunetLevel(level: YunetLevel, paddedWidth: number, paddedHeight: number, minScore: number): DetectedFace[] {
  const { stride: s, cls, obj, bbox, kps } = level;
  const cols = paddedWidth / s;
  const rows = paddedHeight / s;
  const cells = cols * rows;
  if (!Number.isInteger(cols) || !Number.isInteger(rows)) {
    throw new Error(`padded input ${paddedWidth}x${paddedHeight} is not a multiple of stride ${s}`);
  }
  if (cls.length !== cells || obj.length !== cells || bbox.length !== cells * 4 || kps.length !== cells * 10) {
    throw new Error(`stride ${s}: output sizes do not match a ${cols}x${rows} grid`);
  }
  const faces: DetectedFace[] = [];
  for (let i = 0; i < cells; i++) {
    const score = Math.sqrt(clamp01(cls[i]) * clamp01(obj[i]));
    if (score < minScore) continue;
    const col = i % cols;
    const row = (i - col) / cols;
    const cx = (col + bbox[i * 4]) * s;
    const cy = (row + bbox[i * 4 + 1]) * s;
    const w = Math.exp(bbox[i * 4 + 2]) * s;
    const h = Math.exp(bbox[i * 4 + 3]) * s;
    const landmarks: Point[] = [];
    for (let n = 0; n < 5; n++) {
      landmarks.push([(kps[i * 10 + 2 * n] + col) * s, (kps[i * 10 + 2 * n + 1] + row) * s]);
    }
    faces.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, landmarks, score });
  }
  return faces;
}

/** Decodes all strides and suppresses overlapping duplicates; best score first. */
export function decodeYunet(
  levels: YunetLevel[],
  paddedWidth: number,
  paddedHeight: number,
  options: { minScore: number; nmsIou?: number },
): DetectedFace[] {
  const candidates = levels.flatMap((level) => decodeYunetLevel(level, paddedWidth, paddedHeight, options.minScore));
  return nmsFaces(candidates, options.nmsIou ?? 0.3);
}

/** Greedy non-maximum suppression: keeps the best face of every group overlapping by more than `iouThreshold`. */
export function nmsFaces(faces: DetectedFace[], iouThreshold: number): DetectedFace[] {
  const sorted = [...faces].sort((a, b) => b.score - a.score);
  const kept: DetectedFace[] = [];
  for (const face of sorted) {
    if (kept.every((k) => iou(k.box, face.box) <= iouThreshold)) kept.push(face);
  }
  return kept;
}

/** Maps a face found in an image scaled by (scaleX, scaleY) back to the original image's pixels. */
export function unscaleFace(face: DetectedFace, scaleX: number, scaleY = scaleX): DetectedFace {
  if (scaleX === 1 && scaleY === 1) return face;
  const { box } = face;
  return {
    score: face.score,
    box: { x: box.x / scaleX, y: box.y / scaleY, width: box.width / scaleX, height: box.height / scaleY },
    landmarks: face.landmarks.map(([x, y]) => [x / scaleX, y / scaleY] as Point),
  };
}
