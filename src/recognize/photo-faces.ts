/** Which faces of a photo are named, and why a photo is refused: pure. */
import type { DetectedFace } from '../recognition/face.types';

/** The photo shows no face that can be named (none at all, or all too small); the API answers 422. */
export class NoRecognizableFaceError extends Error {
  readonly code = 'NO_RECOGNIZABLE_FACE';
  constructor(message: string) {
    super(message);
    this.name = 'NoRecognizableFaceError';
  }
}

/**
 * The faces at least `minFacePx` tall (ENROLL_MIN_FACE_PX: below it a face is too small to be
 * named reliably, the same floor enrollment has), in the order given. Throws when none is left,
 * with enrollment's wording, so an upload gets the same answer from both routes.
 */
export function recognizableFaces<F extends DetectedFace>(faces: readonly F[], minFacePx: number): F[] {
  if (faces.length === 0) throw new NoRecognizableFaceError('no face found');
  const kept = faces.filter((face) => face.box.height >= minFacePx);
  if (kept.length === 0) {
    const tallest = Math.max(...faces.map((face) => face.box.height));
    throw new NoRecognizableFaceError(
      `face is too small to recognise: ${Math.round(tallest)} px tall, at least ${minFacePx} px needed`,
    );
  }
  return kept;
}
