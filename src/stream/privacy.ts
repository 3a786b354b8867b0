/**
 * Which parts of a frame the stream must not show in detail: pure. The render stage hands the
 * regions to the drawing pass, which blurs them before drawing boxes and labels.
 */
import type { Box } from '../recognition/face.types';

/** `off`: every face as it is; `blur-unknown`: strangers' faces blurred; `blur-all`: every face. */
export const PRIVACY_MODES = ['off', 'blur-unknown', 'blur-all'] as const;
export type PrivacyMode = (typeof PRIVACY_MODES)[number];

/** Margin added on every side of a face box: a box is tight around the face, hair and ears are not. */
const MARGIN = 0.2;

/** The regions to blur for `mode`, each face box grown by the margin (not clamped: drawing clamps). */
export function privacyRegions(mode: PrivacyMode, faces: ReadonlyArray<{ box: Box; known: boolean }>): Box[] {
  if (mode !== 'blur-unknown' && mode !== 'blur-all') return [];
  return faces
    .filter((face) => mode === 'blur-all' || !face.known)
    .map(({ box }) => ({
      x: box.x - box.width * MARGIN,
      y: box.y - box.height * MARGIN,
      width: box.width * (1 + 2 * MARGIN),
      height: box.height * (1 + 2 * MARGIN),
    }));
}

/** A blurred face keeps the detail of a face this many pixels wide: too little to recognise anyone. */
export const BLURRED_FACE_PX = 6;
