import { ENGINE_MATCH_DEFAULTS, matchRuleFor } from '../../src/recognition/engines/engine-defaults';
import { differentPersonSimilarities } from '../../src/recognition/evaluation/identification';
import { fitImpostorTail, MIN_TAIL_PAIRS, openSetThreshold, policyFor } from '../../src/recognition/matching/open-set-threshold';

/** A deterministic sample with an exact exponential tail above `at1Percent`. */
function exponentialTailSample(n: number, at1Percent: number, decay: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = (i + 0.5) / n; // share of the sample at or above this value
    out[i] = q <= 0.01 ? at1Percent + decay * Math.log(0.01 / q) : at1Percent - (q - 0.01); // below 1 %: anything lower
  }
  return out;
}

describe('openSetThreshold', () => {
  const tail = { at1Percent: 0.2, decay: 0.03 };

  it('is the 1 % point for one vector at a 1 % false-name rate', () => {
    expect(openSetThreshold(tail, 1, 0.01)).toBeCloseTo(0.2, 6);
  });

  it('rises with the log of the gallery size: each vector is another chance to mistake a stranger', () => {
    const t10 = openSetThreshold(tail, 10, 0.01);
    const t100 = openSetThreshold(tail, 100, 0.01);
    const t1000 = openSetThreshold(tail, 1000, 0.01);
    expect(t10).toBeGreaterThan(0.2);
    // Each factor 10 in size adds about decay * ln 10.
    expect(t100 - t10).toBeCloseTo(0.03 * Math.log(10), 3);
    expect(t1000 - t100).toBeCloseTo(0.03 * Math.log(10), 3);
  });

  it('names fewer strangers at a stricter rate, and treats an empty gallery like one vector', () => {
    expect(openSetThreshold(tail, 50, 0.001)).toBeGreaterThan(openSetThreshold(tail, 50, 0.01));
    expect(openSetThreshold(tail, 0, 0.01)).toBe(openSetThreshold(tail, 1, 0.01));
  });

  it('keeps the result a cosine similarity', () => {
    expect(openSetThreshold({ at1Percent: 0.9, decay: 0.5 }, 1e6, 1e-4)).toBe(1);
  });

  it('predicts the EdgeFace thresholds measured on LFW fold 1 (163 enrolled) and full LFW (1,680)', () => {
    const edgeface = ENGINE_MATCH_DEFAULTS['yunet-edgeface'].impostorTail;
    // identify on fold 1: 0.35 names 1.1 % of strangers (3/272, one of them a near-duplicate face);
    // the full-LFW measurement: about 0.40 names 1 %.
    expect(openSetThreshold(edgeface, 163, 0.01)).toBeCloseTo(0.347, 2);
    expect(openSetThreshold(edgeface, 1680, 0.01)).toBeGreaterThanOrEqual(0.4);
    expect(openSetThreshold(edgeface, 1680, 0.01)).toBeLessThan(0.43);
  });
});

describe('policyFor / matchRuleFor', () => {
  it('uses a configured threshold as is, whatever the gallery size', () => {
    const rule = matchRuleFor('yunet-edgeface', 0.42, 0.01);
    expect(policyFor(rule, 1)).toEqual({ threshold: 0.42, margin: 0.05 });
    expect(policyFor(rule, 100_000)).toEqual({ threshold: 0.42, margin: 0.05 });
  });

  it('follows the gallery size otherwise, rounded to 3 decimals, with the engine margin', () => {
    const rule = matchRuleFor('yunet-edgeface', undefined, 0.01);
    const small = policyFor(rule, 4);
    const large = policyFor(rule, 10_000);
    expect(small.margin).toBe(ENGINE_MATCH_DEFAULTS['yunet-edgeface'].margin);
    expect(large.threshold).toBeGreaterThan(small.threshold);
    expect(Math.round(small.threshold * 1000)).toBe(small.threshold * 1000);
  });
});

describe('fitImpostorTail', () => {
  it('recovers an exponential tail', () => {
    const fit = fitImpostorTail(exponentialTailSample(200_000, 0.19, 0.031));
    expect(fit).not.toBeNull();
    expect(fit!.at1Percent).toBeCloseTo(0.19, 3);
    expect(fit!.decay).toBeCloseTo(0.031, 3);
    expect(fit!.pairs).toBe(200_000);
  });

  it('declines to fit too few pairs', () => {
    expect(fitImpostorTail(exponentialTailSample(MIN_TAIL_PAIRS - 1, 0.2, 0.03))).toBeNull();
  });
});

describe('differentPersonSimilarities', () => {
  it('scores every pair of photos of two different people, skipping same-person pairs and missing faces', () => {
    const e = (...v: number[]) => Float32Array.from(v);
    const sims = differentPersonSimilarities([
      { identity: 'a', image: 'a1', embedding: e(1, 0) },
      { identity: 'a', image: 'a2', embedding: e(0.6, 0.8) },
      { identity: 'b', image: 'b1', embedding: e(0, 1) },
      { identity: 'c', image: 'c1', embedding: null },
    ]);
    expect(Array.from(sims).map((s) => Math.round(s * 10) / 10).sort()).toEqual([0, 0.8]);
  });
});
