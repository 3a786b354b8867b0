import type { Box } from '../recognition/face.types';
import { centreDistance, iou, sizeRatio } from './geometry';

export interface AssociationOptions {
  minIou: number;
  maxCentreDistance: number;
  maxSizeRatio: number;
}

export interface Pairing {
  track: number;
  detection: number;
  /** IoU of the detection with the track's predicted box. */
  iou: number;
  /** Paired by the centre-distance fallback (the boxes did not overlap enough). */
  byDistance: boolean;
}

export interface Association {
  pairs: Pairing[];
  unmatchedTracks: number[];
  unmatchedDetections: number[];
}

/**
 * Pairs detections with tracks one-to-one: greedily by best IoU with the predicted boxes, then,
 * for what is left, greedily by nearest centre (a fast face whose prediction lagged). Greedy is
 * enough here: a frame has a handful of faces, and with motion prediction the right pair is
 * almost always the clearly best one. Ties go to the lower index, so the result is deterministic.
 */
export function associate(tracks: readonly Box[], detections: readonly Box[], o: AssociationOptions): Association {
  const trackFree = tracks.map(() => true);
  const detectionFree = detections.map(() => true);
  const pairs: Pairing[] = [];
  const overlaps = tracks.map((t) => detections.map((d) => iou(t, d)));

  const byIou: Array<[number, number, number]> = [];
  overlaps.forEach((row, t) => row.forEach((v, d) => v >= o.minIou && byIou.push([v, t, d])));
  byIou.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [v, t, d] of byIou) {
    if (!trackFree[t] || !detectionFree[d]) continue;
    trackFree[t] = detectionFree[d] = false;
    pairs.push({ track: t, detection: d, iou: v, byDistance: false });
  }

  const byDistance: Array<[number, number, number]> = [];
  tracks.forEach((tb, t) => {
    if (!trackFree[t]) return;
    detections.forEach((db, d) => {
      if (!detectionFree[d] || sizeRatio(tb, db) > o.maxSizeRatio) return;
      const distance = centreDistance(tb, db);
      if (distance <= o.maxCentreDistance) byDistance.push([distance, t, d]);
    });
  });
  byDistance.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [, t, d] of byDistance) {
    if (!trackFree[t] || !detectionFree[d]) continue;
    trackFree[t] = detectionFree[d] = false;
    pairs.push({ track: t, detection: d, iou: overlaps[t][d], byDistance: true });
  }

  pairs.sort((a, b) => a.detection - b.detection);
  return {
    pairs,
    unmatchedTracks: tracks.map((_, t) => t).filter((t) => trackFree[t]),
    unmatchedDetections: detections.map((_, d) => d).filter((d) => detectionFree[d]),
  };
}
