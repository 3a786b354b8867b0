import type { Box } from '../recognition/face.types';

export { iou } from '../recognition/box-geometry';

/** Distance between box centres, in units of `reference`'s size (mean of width and height). */
export function centreDistance(reference: Box, other: Box): number {
  const dx = other.x + other.width / 2 - (reference.x + reference.width / 2);
  const dy = other.y + other.height / 2 - (reference.y + reference.height / 2);
  const size = Math.max(1, (reference.width + reference.height) / 2);
  return Math.hypot(dx, dy) / size;
}

/** How many times bigger (by side length) the larger box is; 1 for equal areas. */
export function sizeRatio(a: Box, b: Box): number {
  const r = Math.sqrt((a.width * a.height) / Math.max(1e-9, b.width * b.height));
  return r >= 1 ? r : 1 / r;
}
