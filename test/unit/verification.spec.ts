import {
  accuracyAt,
  bestThreshold,
  centralFaceIndex,
  crossValidate,
  impostorQuantile,
  lfwImagePath,
  parsePairs,
  stdOf,
  tprAtFar,
  type ScoredPair,
} from '../../src/recognition/evaluation/verification';

const same = (score: number): ScoredPair => ({ score, same: true });
const diff = (score: number): ScoredPair => ({ score, same: false });

describe('verification evaluation', () => {
  it('parses LFW pairs lines, skipping a header and blank lines', () => {
    const pairs = parsePairs('10\t300\nAbel_Pacheco\t1\t4\n\nAbdel_Madi_Shabneh\t1\tDean_Barker\t1\r\n');
    expect(pairs).toEqual([
      { a: { name: 'Abel_Pacheco', index: 1 }, b: { name: 'Abel_Pacheco', index: 4 }, same: true },
      { a: { name: 'Abdel_Madi_Shabneh', index: 1 }, b: { name: 'Dean_Barker', index: 1 }, same: false },
    ]);
    expect(lfwImagePath(pairs[0].b)).toBe('Abel_Pacheco/Abel_Pacheco_0004.jpg');
    expect(() => parsePairs('a 1 b 2 c')).toThrow(/line 1/);
    expect(() => parsePairs('a x 2')).toThrow(/bad image number/);
  });

  it('measures accuracy at a threshold (score >= threshold means same)', () => {
    const pairs = [same(0.9), same(0.5), diff(0.5), diff(0.1)];
    expect(accuracyAt(pairs, 0.5)).toBe(0.75);
    expect(accuracyAt(pairs, 0.6)).toBe(0.75);
    expect(accuracyAt(pairs, 0.05)).toBe(0.5);
  });

  it('finds the threshold that separates perfectly separable scores', () => {
    const result = bestThreshold([same(0.8), diff(0.2), same(0.6), diff(0.4)]);
    expect(result.accuracy).toBe(1);
    expect(result.threshold).toBeCloseTo(0.5, 9);
  });

  it('finds the best compromise when scores overlap', () => {
    // Sorted d.1 s.3 d.4 s.7 s.8 d.9: no split gets more than 4 of 6 right.
    const pairs = [diff(0.1), same(0.3), diff(0.4), same(0.7), same(0.8), diff(0.9)];
    const result = bestThreshold(pairs);
    expect(result.accuracy).toBeCloseTo(4 / 6, 9);
    // No threshold does better (checked exhaustively).
    for (let t = 0; t <= 1; t += 0.01) expect(accuracyAt(pairs, t)).toBeLessThanOrEqual(result.accuracy + 1e-12);
    expect(accuracyAt(pairs, result.threshold)).toBeCloseTo(result.accuracy, 12);
  });

  it('does not split equal scores', () => {
    const result = bestThreshold([same(0.5), diff(0.5), same(0.9)]);
    expect(accuracyAt([same(0.5), diff(0.5), same(0.9)], result.threshold)).toBeCloseTo(result.accuracy, 12);
    expect(result.accuracy).toBeCloseTo(2 / 3, 9);
  });

  it('cross-validates over balanced folds', () => {
    // 10 folds of 2: fold i gets pairs i and i+10. Same pairs all score 0.8, different 0.2, except
    // one different pair at 0.95 that can only be wrong in its own fold.
    const pairs: ScoredPair[] = [];
    for (let i = 0; i < 10; i++) pairs.push(same(0.8));
    for (let i = 0; i < 10; i++) pairs.push(diff(i === 3 ? 0.95 : 0.2));
    const cv = crossValidate(pairs, 10);
    expect(cv.accuracies).toHaveLength(10);
    expect(cv.accuracies[3]).toBe(0.5);
    expect(cv.accuracies.filter((a) => a === 1)).toHaveLength(9);
    expect(cv.mean).toBeCloseTo(0.95, 9);
    expect(cv.std).toBeCloseTo(stdOf(cv.accuracies), 12);
    expect(cv.std).toBeCloseTo(Math.sqrt((9 * 0.05 ** 2 + 0.45 ** 2) / 9), 9);
    cv.thresholds.forEach((t) => expect(t).toBeGreaterThan(0.2));
    expect(() => crossValidate(pairs.slice(0, 5), 10)).toThrow();
  });

  it('gives TPR at a FAR: the threshold lets at most floor(FAR·N) different pairs through', () => {
    const impostors = Array.from({ length: 100 }, (_, i) => diff(i / 100)); // 0.00 .. 0.99
    const genuine = [same(0.995), same(0.985), same(0.975), same(0.5)];
    const pairs = [...impostors, ...genuine];
    const at1 = tprAtFar(pairs, 0.01); // 1 false accept allowed: threshold = 2nd highest impostor 0.98
    expect(at1.threshold).toBeCloseTo(0.98, 9);
    expect(at1.far).toBeCloseTo(0.01, 9);
    expect(at1.tpr).toBeCloseTo(0.5, 9);
    const at01 = tprAtFar(pairs, 0.001); // none allowed: above the highest impostor 0.99
    expect(at01.threshold).toBeCloseTo(0.99, 9);
    expect(at01.far).toBe(0);
    expect(at01.tpr).toBeCloseTo(0.25, 9);
    expect(() => tprAtFar(impostors, 0.01)).toThrow();
  });

  it('finds the impostor score a given fraction exceeds', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(impostorQuantile(scores, 0.001)).toBeCloseTo(0.998, 9); // only 0.999 above
    expect(impostorQuantile(scores, 0.01)).toBeCloseTo(0.989, 9); // 10 above
    expect(impostorQuantile([0.3], 0.5)).toBe(0.3);
  });

  it('picks the face nearest the image centre', () => {
    const boxes = [
      { x: 0, y: 0, width: 80, height: 80 },
      { x: 90, y: 80, width: 70, height: 90 },
      { x: 200, y: 200, width: 50, height: 50 },
    ];
    expect(centralFaceIndex(boxes, 250, 250)).toBe(1);
    expect(centralFaceIndex([], 250, 250)).toBe(-1);
  });
});
