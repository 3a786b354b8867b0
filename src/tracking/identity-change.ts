import type { DetectedFace } from '../recognition/face.types';
import { appearanceDistance } from '../vision/frame-change';
import type { TrackerOptions } from './options';

/**
 * Why the face a track follows may be someone else now. Boxes overlapping is what keeps a
 * track alive, and it is also exactly what happens when one person takes another's place, so
 * each of these makes the tracker doubt the name and embed the face on this very frame:
 * - scene-cut: the whole picture changed (another camera or scene, a PTZ jump);
 * - jump: the box is far from where the track was predicted;
 * - appearance: the box looks different from the view last recognised (another face, same place);
 * - resized: the box is much taller or shorter than then;
 * - reappeared: the track had been lost (occlusion): whoever comes back need not be who left.
 */
export type IdentityChangeSign = 'scene-cut' | 'jump' | 'appearance' | 'resized' | 'reappeared';

/** The track's last recognised view, to compare new detections with. */
export interface RecognisedView {
  appearance?: readonly number[];
  height: number;
}

export interface ChangeEvidence {
  sceneCut: boolean;
  /** The association paired them by distance or with little overlap. */
  jumped: boolean;
  /** The track was not detected on the previous processed frame. */
  reappeared: boolean;
  /** Absent until the track was recognised once. */
  lastRecognised?: RecognisedView;
  detection: DetectedFace;
  /**
   * The view is too poor to embed (small, turned): nothing can confirm the name, so only a clear
   * sign counts. A head turning or a face shrinking into the distance changes the box's look and
   * size too, and must not blank a known face's name.
   */
  poorView?: boolean;
}

export type ChangeOptions = Pick<TrackerOptions, 'appearanceChange' | 'sizeChange' | 'quickCheckAppearanceChange'>;

/** The first sign, if any, that the detection may show another face than its track's. */
export function identityChangeSign(e: ChangeEvidence, o: ChangeOptions): IdentityChangeSign | null {
  if (e.sceneCut) return 'scene-cut';
  if (e.jumped) return 'jump';
  if (e.reappeared) return 'reappeared';
  const seen = e.lastRecognised;
  if (!seen) return null;
  const ratio = e.detection.box.height / Math.max(1, seen.height);
  if (!e.poorView && (ratio >= o.sizeChange || ratio <= 1 / o.sizeChange)) return 'resized';
  const threshold = e.poorView ? o.quickCheckAppearanceChange : o.appearanceChange;
  if (lookedDifferent(seen.appearance, e.detection.appearance, threshold)) return 'appearance';
  return null;
}

/** Both signatures known and at least `threshold` apart. */
export function lookedDifferent(before: readonly number[] | undefined, now: readonly number[] | undefined, threshold: number): boolean {
  return before !== undefined && now !== undefined && appearanceDistance(before, now) >= threshold;
}
