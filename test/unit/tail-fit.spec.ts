import type { LabelledImage } from '../../src/recognition/evaluation/identification';
import { differentPersonSimilarities } from '../../src/recognition/evaluation/identification';
import { openSetThreshold } from '../../src/recognition/matching/open-set-threshold';
import { fitTail, tailFromFile, TailFitError, tailRecordJson } from '../../src/recognition/matching/tail-fit';

/** Deterministic pseudo-random numbers (mulberry32), so the test is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `people` people with `photos` photos each: a unit vector per person in `dimension` dimensions,
 * each photo that vector plus noise (so photos of one person are alike, of two people not).
 */
function labelledSet(people: number, photos: number, dimension: number, seed: number): LabelledImage[] {
  const next = random(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const images: LabelledImage[] = [];
  for (let p = 0; p < people; p++) {
    const centre = unit(Float32Array.from({ length: dimension }, gaussian));
    for (let i = 0; i < photos; i++) {
      const embedding = unit(centre.map((x) => x + 0.5 * gaussian() / Math.sqrt(dimension)));
      images.push({ identity: `person${p}`, image: `person${p}/${i}.jpg`, embedding });
    }
  }
  return images;
}

describe('fitTail: a model of your own, fitted on a labelled folder', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  it('fits a tail that predicts how many strangers pass on photos it has not seen', () => {
    const fitted = fitTail(labelledSet(60, 4, 24, 1), 'mine.onnx@abc', '/photos', now);
    expect(fitted).toMatchObject({ modelId: 'mine.onnx@abc', people: 60, photos: 240, fittedOn: '/photos', fittedAt: now.toISOString() });
    expect(fitted.pairs).toBe((240 * 239) / 2 - 60 * 6);
    expect(fitted.decay).toBeGreaterThan(0);
    // Held out: other people of the same "model"; the threshold for 1 % of pairs lets through about 1 %.
    const heldOut = differentPersonSimilarities(labelledSet(60, 4, 24, 2));
    const threshold = openSetThreshold(fitted, 1, 0.01);
    const passing = heldOut.filter((s) => s >= threshold).length / heldOut.length;
    expect(passing).toBeGreaterThan(0.005);
    expect(passing).toBeLessThan(0.02);
    // And 10x fewer at the threshold for 0.1 %.
    const strict = heldOut.filter((s) => s >= openSetThreshold(fitted, 1, 0.001)).length / heldOut.length;
    expect(strict).toBeLessThan(passing / 4);
  });

  it('ignores photos without a face, and refuses a folder too small to fit', () => {
    const images = labelledSet(10, 4, 24, 3);
    expect(() => fitTail(images, 'm', '/small', now)).toThrow(TailFitError);
    expect(() => fitTail(images, 'm', '/small', now)).toThrow(/40 photos with a face of 10 people give too few different-person pairs: at least 5000/);
    const withMissing = [...labelledSet(60, 4, 24, 1), { identity: 'x', image: 'x/1.jpg', embedding: null }];
    expect(fitTail(withMissing, 'm', '/p', now).photos).toBe(240);
  });

  it('refuses similarities that do not form a tail (every photo the same vector)', () => {
    const same = labelledSet(60, 4, 24, 1).map((i) => ({ ...i, embedding: new Float32Array(24).fill(1 / Math.sqrt(24)) }));
    expect(() => fitTail(same, 'm', '/p', now)).toThrow(/do not form a usable tail/);
  });

  it('writes a file that reads back for the same model only', () => {
    const fitted = fitTail(labelledSet(60, 4, 24, 1), 'mine.onnx@abc', '/photos', now);
    const text = tailRecordJson(fitted);
    expect(tailFromFile(text, 'f.json', 'mine.onnx@abc')).toEqual(fitted);
    expect(() => tailFromFile(text, 'f.json', 'mine.onnx@def')).toThrow(/f\.json was fitted for model "mine\.onnx@abc", but EMBEDDING_MODEL is now mine\.onnx@def/);
  });
});
