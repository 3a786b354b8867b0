import type { MatchPolicy } from './matcher';

/**
 * The upper tail of an engine's similarity between photos of two different people.
 * Measured on EdgeFace-XS (LFW fold 1, 324k pairs) the tail above the 1 % point is exponential
 * to within ±0.005 down to 1e-5: every factor e fewer pairs adds `decay` to the similarity.
 * That is what lets one measurement predict the threshold for any gallery size.
 */
export interface ImpostorTail {
  /** Similarity reached by 1 % of different-person pairs. */
  at1Percent: number;
  /** Similarity added per factor e fewer pairs, beyond the 1 % point. */
  decay: number;
}

/** How the matcher's threshold is chosen: fixed by configuration, or from the gallery's size. */
export type ThresholdRule =
  | { kind: 'fixed'; threshold: number; margin: number }
  | { kind: 'open-set'; tail: ImpostorTail; falseNameRate: number; margin: number };

/**
 * The similarity a face needs so that a stranger gets someone's name at most `falseNameRate` of
 * the time, with `galleryVectors` enrolled vectors to be mistaken for. A stranger is named when
 * any of the N vectors reaches the threshold, so each single comparison may pass with rate
 * q = 1 - (1 - rate)^(1/N): the threshold grows with ln N (0.23 for 4 vectors, 0.35 for 163,
 * 0.42 for 1,680 with EdgeFace-XS at 1 %). A threshold tuned on pairs (N = 1) names most
 * strangers once a thousand people are enrolled.
 */
export function openSetThreshold(tail: ImpostorTail, galleryVectors: number, falseNameRate: number): number {
  const n = Math.max(1, galleryVectors);
  // -expm1(log1p(-r) / n) is 1 - (1 - r)^(1/n) without the cancellation of a tiny difference.
  const perComparison = -Math.expm1(Math.log1p(-falseNameRate) / n);
  const threshold = tail.at1Percent + tail.decay * Math.log(0.01 / perComparison);
  return Math.min(1, Math.max(-1, threshold));
}

/** The match policy in force for a gallery of `galleryVectors` enrolled vectors. */
export function policyFor(rule: ThresholdRule, galleryVectors: number): MatchPolicy {
  if (rule.kind === 'fixed') return { threshold: rule.threshold, margin: rule.margin };
  const threshold = openSetThreshold(rule.tail, galleryVectors, rule.falseNameRate);
  return { threshold: Math.round(threshold * 1000) / 1000, margin: rule.margin };
}

/** Fewer different-person pairs than this do not reach far enough into the tail to fit it. */
export const MIN_TAIL_PAIRS = 5_000;
/** The fit uses tail points down to where this many pairs are left above the similarity. */
const MIN_PAIRS_IN_POINT = 50;

/**
 * Fits ImpostorTail to different-person similarities: least squares of the similarity exceeded
 * by a share q of the pairs against ln(0.01 / q), for q from 1 % down to the last point still
 * backed by MIN_PAIRS_IN_POINT pairs. Returns null when there are too few pairs.
 */
export function fitImpostorTail(similarities: ArrayLike<number>): (ImpostorTail & { pairs: number }) | null {
  const n = similarities.length;
  if (n < MIN_TAIL_PAIRS) return null;
  const sorted = Float64Array.from(similarities).sort().reverse();
  const points: Array<[number, number]> = [];
  for (let q = 0.01; q * n >= MIN_PAIRS_IN_POINT; q /= 1.5) points.push([Math.log(0.01 / q), sorted[Math.floor(q * n)]]);
  const meanX = points.reduce((s, [x]) => s + x, 0) / points.length;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  const decay = sxx > 0 ? points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0) / sxx : 0;
  return { at1Percent: meanY - decay * meanX, decay, pairs: n };
}

/** A camera's own naming settings, over the server-wide rule. */
export interface MatchOverrides {
  matchThreshold?: number;
  matchFalseNameRate?: number;
}

/**
 * The rule for one camera: its fixed threshold if it has one, else the open-set rule at its own
 * false-name rate (with the model's tail; a model of your own without one keeps the server's
 * fixed threshold), else the server-wide rule unchanged.
 */
export function ruleWithOverrides(base: ThresholdRule, tail: ImpostorTail | null, overrides: MatchOverrides): ThresholdRule {
  if (overrides.matchThreshold !== undefined) return { kind: 'fixed', threshold: overrides.matchThreshold, margin: base.margin };
  if (overrides.matchFalseNameRate !== undefined && tail) return { kind: 'open-set', tail, falseNameRate: overrides.matchFalseNameRate, margin: base.margin };
  return base;
}
