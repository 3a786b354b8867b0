import type { DetectedFace } from '../recognition/face.types';

export interface QualityOptions {
  /** Faces shorter than this (source pixels) carry too little detail to name reliably. */
  minFaceHeight: number;
  /**
   * Where the nose sits between the eyes, 0 (on the right eye) .. 1 (on the left eye); a frontal
   * face is near 0.5. Outside [turnLimit, 1 - turnLimit] the face is turned too far.
   */
  turnLimit: number;
}

/**
 * 28 px: LFW fold-1 faces shrunk to 28 px tall still found the right person first 96.5 % of the
 * time (36 px: 98 %, full size: 99.5 %; 24 px: 95 % with 3 % not even detected, 20 px: 88 %), and
 * the best wrong person's similarity did not rise as faces shrank, so they name no more strangers.
 */
export const DEFAULT_QUALITY_OPTIONS: QualityOptions = { minFaceHeight: 28, turnLimit: 0.2 };

/**
 * A cheap pre-embedding check from the detector's own output: small or strongly turned faces
 * make unreliable embeddings, so they are tracked but not used to name (TrackInput.poorQuality).
 * Blur is not judged here (it needs pixels); a caller that measures it can set the flag itself.
 */
export function isPoorView(face: DetectedFace, o: QualityOptions = DEFAULT_QUALITY_OPTIONS): boolean {
  if (face.box.height < o.minFaceHeight) return true;
  const [rightEye, leftEye, nose] = face.landmarks;
  if (!rightEye || !leftEye || !nose) return false; // no landmarks: nothing to judge the pose by
  // Project the nose on the eye line: unaffected by a tilted (rolled) head, which alignment handles.
  const ex = leftEye[0] - rightEye[0];
  const ey = leftEye[1] - rightEye[1];
  const span2 = ex * ex + ey * ey;
  if (span2 < 1) return true; // eyes on top of each other: a profile
  const t = ((nose[0] - rightEye[0]) * ex + (nose[1] - rightEye[1]) * ey) / span2;
  return t < o.turnLimit || t > 1 - o.turnLimit;
}
