import fc from 'fast-check';
import { addToCentroid, cosine, nearestGroup } from '../../src/unknown-faces/grouping';
import { UnknownWatch } from '../../src/unknown-faces/unknown-watch';
import { copyRegion, cropRegion } from '../../src/live/face-crop';
import { Presence, StatsWindow } from '../../src/live/presence';

function unit(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('grouping unknown faces', () => {
  const a = unit([1, 0, 0]);
  const b = unit([0, 1, 0]);
  it('joins the most similar group above the threshold, else none', () => {
    const groups = [
      { id: 1, centroid: a, count: 1 },
      { id: 2, centroid: b, count: 3 },
    ];
    expect(nearestGroup(unit([0.9, 0.1, 0]), groups, 0.5)?.group.id).toBe(1);
    expect(nearestGroup(unit([0.1, 0.9, 0.1]), groups, 0.5)?.group.id).toBe(2);
    expect(nearestGroup(unit([0, 0, 1]), groups, 0.5)).toBeNull();
    expect(nearestGroup(unit([1, 1, 0]), groups, 0.5)?.group.id).toBe(1); // a tie goes to the older entry
  });
  it('never compares vectors of another size (another model)', () => {
    expect(nearestGroup(unit([1, 0]), [{ id: 1, centroid: a, count: 1 }], -1)).toBeNull();
  });
  it('keeps the centroid a normalised running mean', () => {
    const merged = addToCentroid(a, 1, b);
    expect(cosine(merged, unit([1, 1, 0]))).toBeCloseTo(1, 5);
    expect(Math.hypot(...merged)).toBeCloseTo(1, 5);
    expect(cosine(addToCentroid(a, 9, b), a)).toBeGreaterThan(cosine(merged, a)); // the older group weighs more
    expect(a).toEqual(unit([1, 0, 0])); // inputs untouched
  });
  it('cosine stays within [-1, 1] and is symmetric', () => {
    const vector = fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }).map((v) => Float32Array.from(v));
    fc.assert(
      fc.property(vector, vector, (x, y) => {
        const c = cosine(x, y);
        return c >= -1.0001 && c <= 1.0001 && Math.abs(c - cosine(y, x)) < 1e-9;
      }),
    );
  });
});

describe('UnknownWatch', () => {
  const face = { x: 0, y: 0, width: 80, height: 100 };
  const e = unit([1, 2, 3]);
  const watch = () => new UnknownWatch({ afterMs: 1000, minFacePx: 40, forgetAfterMs: 2000 });

  it('keeps a face that stays Unknown long enough, once per track', () => {
    const w = watch();
    expect(w.observe(0, [{ trackId: 1, known: false, box: face, embedding: e }])).toEqual([]);
    expect(w.observe(500, [{ trackId: 1, known: false, box: face, embedding: null }])).toEqual([]);
    const kept = w.observe(1000, [{ trackId: 1, known: false, box: face, embedding: null }]);
    expect(kept).toEqual([{ trackId: 1, box: face, embedding: e, unknownSince: 0 }]);
    expect(w.observe(3000, [{ trackId: 1, known: false, box: face, embedding: e }])).toEqual([]);
  });
  it('starts over when the track is named meanwhile', () => {
    const w = watch();
    w.observe(0, [{ trackId: 1, known: false, box: face, embedding: e }]);
    w.observe(600, [{ trackId: 1, known: true, box: face, embedding: e }]);
    expect(w.observe(1200, [{ trackId: 1, known: false, box: face, embedding: e }])).toEqual([]);
    expect(w.observe(2200, [{ trackId: 1, known: false, box: face, embedding: null }])).toHaveLength(1);
  });
  it('waits for an embedding and for a face large enough to enroll', () => {
    const w = watch();
    const small = { ...face, height: 30 };
    w.observe(0, [{ trackId: 2, known: false, box: small, embedding: null }]);
    expect(w.observe(1500, [{ trackId: 2, known: false, box: small, embedding: e }])).toEqual([]);
    expect(w.observe(1600, [{ trackId: 2, known: false, box: face, embedding: null }])).toHaveLength(1);
  });
  it('forgets tracks gone for a while', () => {
    const w = watch();
    w.observe(0, [{ trackId: 1, known: false, box: face, embedding: e }]);
    w.observe(5000, [{ trackId: 2, known: false, box: face, embedding: e }]);
    expect(w.watching).toBe(1);
  });
});

describe('face crops on the main thread', () => {
  it('keeps a square around the face inside the frame', () => {
    expect(cropRegion({ x: 500, y: 300, width: 100, height: 120 }, 1280, 720)).toEqual({ x: 418, y: 228, width: 264, height: 264 });
    expect(cropRegion({ x: 0, y: 0, width: 100, height: 100 }, 1280, 720)).toMatchObject({ x: 0, y: 0, width: 220 });
    expect(cropRegion({ x: 1250, y: 700, width: 30, height: 20 }, 1280, 720)).toEqual({ x: 1120, y: 560, width: 160, height: 160 });
    expect(cropRegion({ x: 0, y: 0, width: 900, height: 900 }, 1280, 720).width).toBe(720);
  });
  it('copies exactly the region', () => {
    const image = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };
    const region = copyRegion(image, { x: 1, y: 1, width: 2, height: 2 });
    expect([...region.data]).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
    expect(() => copyRegion(image, { x: 3, y: 0, width: 2, height: 1 })).toThrow(RangeError);
  });
});

describe('live presence and figures', () => {
  const box = { x: 0, y: 0, width: 10, height: 10 };
  it('remembers since when each track is in view', () => {
    const p = new Presence(1000);
    p.observe(0, [{ trackId: 1, name: 'A', personId: 1, confidence: 90, box }]);
    const [a, b] = p.observe(500, [
      { trackId: 1, name: 'A', personId: 1, confidence: 90, box },
      { trackId: 2, name: 'Unknown', personId: null, confidence: 99, box },
    ]);
    expect([a.since, b.since]).toEqual([0, 500]);
    p.observe(2000, []);
    expect(p.tracked).toBe(0);
  });
  it('samples fps, latency and faces per second over a sliding minute', () => {
    const s = new StatsWindow(3);
    s.tick(0, 0);
    s.addRecognition(40, 2);
    s.addRecognition(60, 1);
    expect(s.tick(1000, 25)).toEqual({ at: 1000, fps: 25, latencyMs: 50, facesPerSecond: 3 });
    expect(s.tick(2000, 50)).toMatchObject({ latencyMs: null, facesPerSecond: 0, fps: 25 });
    s.tick(3000, 60);
    expect(s.history().map((x) => x.at)).toEqual([1000, 2000, 3000]);
  });
});
