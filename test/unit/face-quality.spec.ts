import type { BgrImage, Point } from '../../src/recognition/face.types';
import { faceQuality, faceSharpness, poseScore, SHARP_VARIANCE } from '../../src/recognition/quality/face-quality';

/** A frontal face as YuNet marks it: ArcFace's five-point template (112x112), the nose a little lower. */
const FRONTAL: Point[] = [
  [38.29, 51.7],
  [73.53, 51.5],
  [56.03, 74.4],
  [41.55, 92.37],
  [70.73, 92.2],
];
const shifted = (points: Point[], index: number, dx: number, dy = 0): Point[] => points.map((p, i) => (i === index ? [p[0] + dx, p[1] + dy] : p));

/** A grey image: a checkerboard of `cell` px squares (much detail) or a flat field. */
function image(width: number, height: number, cell: number | null): BgrImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = cell === null ? 128 : (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 200 : 60;
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { width, height, data };
}

describe('poseScore', () => {
  it('is 1 for a frontal face, and falls as the nose moves off the eyes’ midline (yaw)', () => {
    expect(poseScore(FRONTAL)).toBeGreaterThan(0.95);
    const eyeDistance = 73.53 - 38.29;
    const quarter = poseScore(shifted(FRONTAL, 2, 0.1 * eyeDistance));
    const half = poseScore(shifted(FRONTAL, 2, 0.25 * eyeDistance));
    expect(quarter).toBeLessThan(0.85);
    expect(half).toBeLessThan(0.55);
    expect(poseScore(shifted(FRONTAL, 2, 0.55 * eyeDistance))).toBe(0); // a profile
    // Either side alike.
    expect(poseScore(shifted(FRONTAL, 2, -0.25 * eyeDistance))).toBeCloseTo(half, 1);
  });

  it('falls when the face tilts up or down (the nose near the eyes or the mouth)', () => {
    expect(poseScore(shifted(FRONTAL, 2, 0, -12))).toBeLessThan(0.5);
    expect(poseScore(shifted(FRONTAL, 2, 0, 15))).toBeLessThan(0.5);
  });

  it('is 0 without the five landmarks or with degenerate ones', () => {
    expect(poseScore([])).toBe(0);
    expect(poseScore(FRONTAL.map(() => [10, 10] as Point))).toBe(0);
  });
});

describe('faceSharpness', () => {
  const box = { x: 20, y: 20, width: 100, height: 100 };

  it('is 0 for a flat face and large for a detailed one, at any face size', () => {
    expect(faceSharpness(image(140, 140, null), box)).toBeCloseTo(0);
    const detailed = faceSharpness(image(140, 140, 2), box);
    expect(detailed).toBeGreaterThan(SHARP_VARIANCE);
    // Coarser detail (a blurred-looking face) measures less.
    expect(faceSharpness(image(140, 140, 20), box)).toBeLessThan(detailed / 5);
  });

  it('reads only inside the image, even for a box over its edge', () => {
    expect(Number.isFinite(faceSharpness(image(50, 50, 3), { x: -20, y: 30, width: 100, height: 100 }))).toBe(true);
  });
});

describe('faceQuality', () => {
  it('scores size, sharpness and pose 0–1, the view as good as its weakest aspect', () => {
    const good = faceQuality({ box: { x: 0, y: 0, width: 90, height: 110 }, landmarks: FRONTAL, sharpness: 400 });
    expect(good).toEqual({ size: 1, sharpness: 1, pose: expect.any(Number), overall: expect.any(Number) });
    expect(good.overall).toBeGreaterThan(0.9);
    const small = faceQuality({ box: { x: 0, y: 0, width: 30, height: 40 }, landmarks: FRONTAL, sharpness: 400 });
    expect(small.size).toBeLessThan(0.3);
    expect(small.overall).toBe(small.size);
    const blurred = faceQuality({ box: { x: 0, y: 0, width: 90, height: 110 }, landmarks: FRONTAL, sharpness: SHARP_VARIANCE / 4 });
    expect(blurred.overall).toBe(0.25);
    const turned = faceQuality({ box: { x: 0, y: 0, width: 90, height: 110 }, landmarks: shifted(FRONTAL, 2, 14), sharpness: 400 });
    expect(turned.overall).toBe(turned.pose);
    expect(turned.pose).toBeLessThan(0.3);
  });
});
