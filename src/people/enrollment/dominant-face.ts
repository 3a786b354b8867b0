/** Which face of a photo is its subject, when a photo shows more than one: pure, no framework. */
import type { Box } from '../../recognition/face.types';

export interface DominanceRule {
  /** The subject's face area must be at least this many times every other face's. */
  minAreaRatio: number;
  /**
   * The subject's face centre must lie within this fraction of the photo's width (height) from
   * the photo's centre: a large face at the edge is a bystander cut by the frame, not the subject.
   */
  maxCentreOffset: number;
}

/**
 * Twice the area (about 1.4 times the height) and in the middle 60 % of the photo. Measured on
 * testdata/people photo 1 of Jennifer_Garner, Jeremy_Greenstock and Kim_Clijsters: the subject
 * is 25x, 4.8x and 2.6x the largest sliver at the edge, centred within 3 % of the photo.
 */
export const DOMINANT_FACE_RULE: DominanceRule = { minAreaRatio: 2, maxCentreOffset: 0.3 };

/**
 * The index of the face that clearly is the photo's subject (much larger than every other face and
 * near the centre), or undefined when the choice is ambiguous. One face is always the subject.
 */
export function dominantFaceIndex(
  boxes: readonly Box[],
  photo: { width: number; height: number },
  rule: DominanceRule = DOMINANT_FACE_RULE,
): number | undefined {
  if (boxes.length === 0) return undefined;
  if (boxes.length === 1) return 0;
  let largest = 0;
  for (let i = 1; i < boxes.length; i++) if (area(boxes[i]) > area(boxes[largest])) largest = i;
  const subject = boxes[largest];
  const outshinesOthers = boxes.every((box, i) => i === largest || area(subject) >= rule.minAreaRatio * area(box));
  return outshinesOthers && isCentral(subject, photo, rule.maxCentreOffset) ? largest : undefined;
}

function isCentral(box: Box, photo: { width: number; height: number }, maxOffset: number): boolean {
  const dx = Math.abs(box.x + box.width / 2 - photo.width / 2) / photo.width;
  const dy = Math.abs(box.y + box.height / 2 - photo.height / 2) / photo.height;
  return dx <= maxOffset && dy <= maxOffset;
}

function area(box: Box): number {
  return Math.max(0, box.width) * Math.max(0, box.height);
}
