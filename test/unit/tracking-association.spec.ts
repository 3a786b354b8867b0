import type { Box } from '../../src/recognition/face.types';
import { associate } from '../../src/tracking/association';
import { centreDistance, iou, sizeRatio } from '../../src/tracking/geometry';

const box = (x: number, y: number, width = 100, height = 100): Box => ({ x, y, width, height });
const opts = { minIou: 0.3, maxCentreDistance: 1.5, maxSizeRatio: 1.5 };

describe('box geometry', () => {
  it('measures overlap, centre distance in box sizes, and size ratio', () => {
    expect(iou(box(0, 0), box(0, 0))).toBe(1);
    expect(iou(box(0, 0), box(100, 0))).toBe(0); // touching edges only
    expect(iou(box(0, 0), box(50, 0))).toBeCloseTo(5000 / 15000, 6);
    expect(centreDistance(box(0, 0), box(150, 0))).toBeCloseTo(1.5, 6);
    expect(centreDistance(box(0, 0, 50, 50), box(30, 40, 50, 50))).toBeCloseTo(1, 6); // 50 px at size 50
    expect(sizeRatio(box(0, 0, 100, 100), box(0, 0, 200, 200))).toBeCloseTo(2, 6);
    expect(sizeRatio(box(0, 0, 200, 200), box(0, 0, 100, 100))).toBeCloseTo(2, 6);
  });
});

describe('associate', () => {
  it('pairs by the best IoU overall, not by whichever track comes first', () => {
    const tracks = [box(100, 0), box(123, 0)];
    const detections = [box(75, 0), box(118, 0)];
    // The premise: track 0 overlaps detection 1 more than detection 0, but track 1 overlaps detection 1 most of all.
    expect(iou(tracks[0], detections[1])).toBeGreaterThan(iou(tracks[0], detections[0]));
    expect(iou(tracks[1], detections[1])).toBeGreaterThan(iou(tracks[0], detections[1]));
    expect(iou(tracks[1], detections[0])).toBeGreaterThanOrEqual(opts.minIou);
    const { pairs, unmatchedTracks, unmatchedDetections } = associate(tracks, detections, opts);
    expect(pairs.map((p) => [p.track, p.detection, p.byDistance])).toEqual([
      [0, 0, false],
      [1, 1, false],
    ]);
    expect(unmatchedTracks).toEqual([]);
    expect(unmatchedDetections).toEqual([]);
  });

  it('is one-to-one: a track takes one detection, the rest are left for new tracks', () => {
    const { pairs, unmatchedDetections } = associate([box(0, 0)], [box(5, 0), box(0, 0), box(10, 0)], opts);
    expect(pairs).toEqual([{ track: 0, detection: 1, iou: 1, byDistance: false }]);
    expect(unmatchedDetections).toEqual([0, 2]);
  });

  it('falls back to the nearest centre for a fast face whose box no longer overlaps the prediction', () => {
    const tracks = [box(0, 0, 60, 60)];
    const near = associate(tracks, [box(80, 0, 60, 60)], opts); // 80 px at size 60: 1.33 box sizes
    expect(near.pairs).toEqual([{ track: 0, detection: 0, iou: 0, byDistance: true }]);
    const far = associate(tracks, [box(100, 0, 60, 60)], opts); // 1.67 box sizes
    expect(far.pairs).toEqual([]);
    expect(far.unmatchedTracks).toEqual([0]);
    expect(far.unmatchedDetections).toEqual([0]);
    const otherSize = associate(tracks, [box(60, 0, 100, 100)], opts); // near, but a different face size
    expect(otherSize.pairs).toEqual([]);
  });

  it('prefers an IoU pair over a distance pair, and gives distance pairs to the nearest first', () => {
    const tracks = [box(0, 0, 60, 60), box(300, 0, 60, 60)];
    const detections = [box(380, 0, 60, 60), box(5, 0, 60, 60), box(370, 0, 60, 60)];
    const { pairs, unmatchedDetections } = associate(tracks, detections, opts);
    expect(pairs.map((p) => [p.track, p.detection, p.byDistance])).toEqual([
      [0, 1, false],
      [1, 2, true],
    ]);
    expect(unmatchedDetections).toEqual([0]);
  });

  it('breaks ties by index, so the same input always gives the same answer', () => {
    const a = associate([box(0, 0), box(0, 0)], [box(0, 0), box(0, 0)], opts);
    expect(a.pairs.map((p) => [p.track, p.detection])).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('handles empty sides', () => {
    expect(associate([], [box(0, 0)], opts)).toEqual({ pairs: [], unmatchedTracks: [], unmatchedDetections: [0] });
    expect(associate([box(0, 0)], [], opts)).toEqual({ pairs: [], unmatchedTracks: [0], unmatchedDetections: [] });
  });
});
