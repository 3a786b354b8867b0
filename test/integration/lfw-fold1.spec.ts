import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENGINE_MATCH_DEFAULTS } from '../../src/recognition/engines/engine-defaults';
import {
  centralFaceIndex,
  crossValidate,
  impostorQuantile,
  lfwImagePath,
  parsePairs,
  tprAtFar,
  type ImageRef,
  type ScoredPair,
} from '../../src/recognition/evaluation/verification';
import { differentPersonSimilarities } from '../../src/recognition/evaluation/identification';
import { InferenceClient } from '../../src/recognition/inference/inference.client';
import { fitImpostorTail } from '../../src/recognition/matching/open-set-threshold';
import { dot } from '../../src/recognition/matching/similarity';

jest.setTimeout(180_000);

const LFW = resolve(__dirname, '../../../shared/testdata/lfw-fold1');
const MODELS = resolve(__dirname, '../../models');
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/**
 * LFW verification, first fold of the standard protocol (300 same + 300 different pairs),
 * through the real inference worker and the default engine.
 */
describe('LFW fold 1 verification (yunet-edgeface)', () => {
  const client = new InferenceClient({ engine: 'yunet-edgeface', modelsDir: MODELS, detectionWidth: 640, minScore: 0.6 });
  const pairs = parsePairs(readFileSync(resolve(LFW, 'pairs.txt'), 'utf8'));
  /** Embedding of each image's central face, or null when no face was found. */
  const embeddings = new Map<string, Float32Array | null>();
  let scored: ScoredPair[] = [];

  beforeAll(async () => {
    await client.start();
    const images = new Set(pairs.flatMap((p) => [lfwImagePath(p.a), lfwImagePath(p.b)]));
    const started = performance.now();
    for (const image of images) {
      const result = await client.analyzePhoto(new Uint8Array(readFileSync(resolve(LFW, 'images', image))));
      const i = centralFaceIndex(result.faces.map((f) => f.box), result.width, result.height);
      embeddings.set(image, i < 0 ? null : result.faces[i].embedding);
    }
    const ms = performance.now() - started;
    console.log(`${images.size} images analysed in ${(ms / 1000).toFixed(1)} s (${(ms / images.size).toFixed(1)} ms per photo)`);
    // A missed face makes its pairs "different": a same pair then counts as an error.
    const score = (a: ImageRef, b: ImageRef) => {
      const [x, y] = [embeddings.get(lfwImagePath(a)), embeddings.get(lfwImagePath(b))];
      return x && y ? dot(x, y) : -1;
    };
    scored = pairs.map((p) => ({ same: p.same, score: score(p.a, p.b) }));
  });

  it('reads the whole fold', () => {
    expect(pairs).toHaveLength(600);
    expect(pairs.filter((p) => p.same)).toHaveLength(300);
  });

  it('finds a face in (nearly) every image', () => {
    const missed = [...embeddings].filter(([, e]) => !e).map(([image]) => image);
    console.log(`faces missed: ${missed.length} of ${embeddings.size}${missed.length ? `: ${missed.join(', ')}` : ''}`);
    expect(missed.length).toBeLessThanOrEqual(Math.ceil(embeddings.size * 0.005));
  });

  it('reaches >= 99 % accuracy with a 10-fold cross-validated threshold', () => {
    const cv = crossValidate(scored, 10);
    console.log(
      `10-fold accuracy ${pct(cv.mean)} ± ${pct(cv.std)} (folds ${cv.accuracies.map((a) => (100 * a).toFixed(1)).join(' ')}); ` +
        `threshold ${cv.meanThreshold.toFixed(3)} (${Math.min(...cv.thresholds).toFixed(3)}..${Math.max(...cv.thresholds).toFixed(3)})`,
    );
    expect(cv.mean).toBeGreaterThanOrEqual(0.99);
  });

  it('accepts most same pairs at low false-accept rates', () => {
    const at01 = tprAtFar(scored, 0.001);
    const at1 = tprAtFar(scored, 0.01);
    console.log(
      `TPR ${pct(at01.tpr)} @ FAR 0.1 % (threshold ${at01.threshold.toFixed(3)}; with 300 different pairs this means none accepted), ` +
        `TPR ${pct(at1.tpr)} @ FAR 1 % (threshold ${at1.threshold.toFixed(3)})`,
    );
    expect(at1.tpr).toBeGreaterThanOrEqual(0.97);
    expect(at01.tpr).toBeGreaterThanOrEqual(0.95);
  });

  it("fits the default engine's different-person tail: the open-set threshold's premise holds on this fold", () => {
    // Every cross-identity pair of images in the fold (~3e5 pairs), not just the 300 listed:
    // enough to see the 0.1 % and 0.01 % tails that an open-set gallery cares about.
    const images = [...embeddings].map(([image, embedding]) => ({ identity: image.split('/')[0], image, embedding }));
    const impostors = Array.from(differentPersonSimilarities(images));
    const fit = fitImpostorTail(impostors)!;
    const tail = ENGINE_MATCH_DEFAULTS['yunet-edgeface'].impostorTail;
    const q = (rate: number) => impostorQuantile(impostors, rate);
    const predicted = (rate: number) => tail.at1Percent + tail.decay * Math.log(0.01 / rate);
    console.log(
      `${impostors.length} different-person pairs: 1 % exceed ${q(0.01).toFixed(3)}, 0.1 % exceed ${q(0.001).toFixed(3)} ` +
        `(model ${predicted(0.001).toFixed(3)}), 0.01 % exceed ${q(0.0001).toFixed(3)} (model ${predicted(0.0001).toFixed(3)}); ` +
        `fit ${fit.at1Percent.toFixed(4)} + ${fit.decay.toFixed(4)} per factor e`,
    );
    expect(fit.at1Percent).toBeCloseTo(tail.at1Percent, 2);
    expect(fit.decay).toBeCloseTo(tail.decay, 2);
    // The exponential model holds deep into the tail, where large galleries operate.
    for (const rate of [0.001, 0.0001]) expect(Math.abs(q(rate) - predicted(rate))).toBeLessThan(0.02);
  });
});
