import { alignmentMatrix, applyAffine, ARCFACE_TEMPLATE, similarityTransform, type Affine2x3 } from '../../src/recognition/engines/alignment';
import type { Point } from '../../src/recognition/face.types';

function expectMatrixClose(actual: Affine2x3, expected: Affine2x3, digits = 9): void {
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe('alignment', () => {
  it('maps the template onto itself with the identity', () => {
    expectMatrixClose(alignmentMatrix(ARCFACE_TEMPLATE), [1, 0, 0, 0, 1, 0]);
  });

  it('recovers a known rotation, scale and shift exactly', () => {
    const angle = (25 * Math.PI) / 180;
    const scale = 0.4;
    const [tx, ty] = [-30, 12.5];
    const a = scale * Math.cos(angle);
    const b = scale * Math.sin(angle);
    // A face in the image: the inverse of the alignment we want to find.
    const forward: Affine2x3 = [a, -b, tx, b, a, ty];
    const imagePoints = ARCFACE_TEMPLATE.map((p) => applyAffine(forward, p));
    const m = alignmentMatrix(imagePoints);
    ARCFACE_TEMPLATE.forEach((p, i) => {
      const back = applyAffine(m, imagePoints[i]);
      expect(back[0]).toBeCloseTo(p[0], 9);
      expect(back[1]).toBeCloseTo(p[1], 9);
    });
    // The recovered matrix is a similarity with the inverse scale and the opposite angle.
    expect(Math.hypot(m[0], m[3])).toBeCloseTo(1 / scale, 9);
    expect(Math.atan2(m[3], m[0])).toBeCloseTo(-angle, 9);
    expect(m[1]).toBeCloseTo(-m[3], 12);
    expect(m[4]).toBeCloseTo(m[0], 12);
  });

  it('gives the least-squares fit when the points cannot match exactly', () => {
    const src: Point[] = [[0, 0], [2, 0], [0, 2], [2, 2]];
    // Translation by (1, 1), with the bottom edge pinched symmetrically: no rotation, scale < 1.
    const dst: Point[] = [[1.1, 1], [2.9, 1], [1, 3], [3, 3]];
    const m = similarityTransform(src, dst);
    expect(m[3]).toBeCloseTo(0, 9); // no rotation, by symmetry
    expect(m[0]).toBeCloseTo(0.975, 9); // Σ(x·u + y·v) / Σ|p|² over centred points = 7.8 / 8
    expect(applyAffine(m, [1, 1])[0]).toBeCloseTo(2, 9); // centroid onto centroid
    expect(applyAffine(m, [1, 1])[1]).toBeCloseTo(2, 9);
    const residual = (mm: Affine2x3) =>
      src.reduce((sum, p, i) => {
        const q = applyAffine(mm, p);
        return sum + (q[0] - dst[i][0]) ** 2 + (q[1] - dst[i][1]) ** 2;
      }, 0);
    // Any perturbation of the solution fits worse.
    for (const d of [1e-3, -1e-3]) {
      expect(residual([m[0] + d, m[1], m[2], m[3], m[4] + d, m[5]])).toBeGreaterThan(residual(m));
      expect(residual([m[0], m[1], m[2] + d, m[3], m[4], m[5]])).toBeGreaterThan(residual(m));
    }
  });

  it('never reflects: a mirrored face still gets a proper rotation', () => {
    const mirrored = ARCFACE_TEMPLATE.map(([x, y]) => [112 - x, y] as Point);
    const m = alignmentMatrix(mirrored);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
  });

  it('rejects degenerate input', () => {
    expect(() => alignmentMatrix([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]])).toThrow();
    expect(() => alignmentMatrix([[1, 1]])).toThrow();
  });
});
