/**
 * Pure pieces of face-verification evaluation (the LFW protocol): pair lists, the best
 * threshold, k-fold cross-validated accuracy, and true-accept rate at a false-accept rate.
 * A pair's score is a similarity; a pair is declared "same person" when score >= threshold.
 */

export interface PairSpec {
  /** Image references `name/n` as in LFW's pairs.txt. */
  a: ImageRef;
  b: ImageRef;
  same: boolean;
}

export interface ImageRef {
  name: string;
  index: number;
}

export interface ScoredPair {
  score: number;
  same: boolean;
}

/** LFW image path relative to the images folder: `Name/Name_0001.jpg`. */
export function lfwImagePath(ref: ImageRef): string {
  return `${ref.name}/${ref.name}_${String(ref.index).padStart(4, '0')}.jpg`;
}

/**
 * Parses LFW pairs lines: `name n1 n2` (same person) or `name1 n1 name2 n2` (different).
 * A leading header line with fold counts (`10 300`) and blank lines are skipped.
 */
export function parsePairs(text: string): PairSpec[] {
  const pairs: PairSpec[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (f.length === 0 || (f.length === 2 && f.every((x) => /^\d+$/.test(x)))) return;
    if (f.length === 3) pairs.push({ a: ref(f[0], f[1], i), b: ref(f[0], f[2], i), same: true });
    else if (f.length === 4) pairs.push({ a: ref(f[0], f[1], i), b: ref(f[2], f[3], i), same: false });
    else throw new Error(`pairs line ${i + 1}: expected 3 or 4 fields, got ${f.length}`);
  });
  return pairs;
}

function ref(name: string, index: string, line: number): ImageRef {
  const n = Number(index);
  if (!Number.isInteger(n) || n < 1) throw new Error(`pairs line ${line + 1}: bad image number "${index}"`);
  return { name, index: n };
}

/** Fraction of pairs classified correctly at `threshold`. */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return NaN;
  let correct = 0;
  for (const p of pairs) if (p.score >= threshold === p.same) correct++;
  return correct / pairs.length;
}

/**
 * The threshold with the highest accuracy on these pairs. Candidates are the midpoints
 * between consecutive distinct scores (plus one below and one above all), so the answer
 * does not sit on a training score. Ties go to the lowest such threshold.
 */
export function bestThreshold(pairs: readonly ScoredPair[]): { threshold: number; accuracy: number } {
  if (pairs.length === 0) throw new Error('no pairs');
  const sorted = [...pairs].sort((x, y) => x.score - y.score);
  // Threshold below everything: all accepted, correct = number of same pairs.
  let correct = sorted.filter((p) => p.same).length;
  let best = { threshold: sorted[0].score - 1e-6, correct };
  for (let i = 0; i < sorted.length; i++) {
    // Moving the threshold above sorted[i] rejects it.
    correct += sorted[i].same ? -1 : 1;
    const next = sorted[i + 1]?.score;
    if (next !== undefined && next === sorted[i].score) continue; // cannot split equal scores
    const threshold = next === undefined ? sorted[i].score + 1e-6 : (sorted[i].score + next) / 2;
    if (correct > best.correct) best = { threshold, correct };
  }
  return { threshold: best.threshold, accuracy: best.correct / pairs.length };
}

export interface CrossValidation {
  /** Test accuracy of each fold. */
  accuracies: number[];
  /** Threshold chosen on the other folds, per fold. */
  thresholds: number[];
  mean: number;
  /** Sample standard deviation of the fold accuracies. */
  std: number;
  meanThreshold: number;
}

/**
 * k-fold cross-validation: for each fold, choose the threshold on the other k-1 folds and
 * measure accuracy on the fold. Fold of pair i = i mod k, which keeps same/different pairs
 * balanced in every fold when the list is grouped (as LFW's is).
 */
export function crossValidate(pairs: readonly ScoredPair[], k = 10): CrossValidation {
  if (pairs.length < k) throw new Error(`need at least ${k} pairs for ${k}-fold cross-validation`);
  const accuracies: number[] = [];
  const thresholds: number[] = [];
  for (let fold = 0; fold < k; fold++) {
    const train = pairs.filter((_, i) => i % k !== fold);
    const test = pairs.filter((_, i) => i % k === fold);
    const { threshold } = bestThreshold(train);
    thresholds.push(threshold);
    accuracies.push(accuracyAt(test, threshold));
  }
  return { accuracies, thresholds, mean: meanOf(accuracies), std: stdOf(accuracies), meanThreshold: meanOf(thresholds) };
}

export interface RateAtFar {
  /** Scores strictly above this are accepted. */
  threshold: number;
  /** True-accept rate: same pairs accepted. */
  tpr: number;
  /** False-accept rate actually reached (<= the target). */
  far: number;
}

/**
 * The lowest threshold whose false-accept rate stays within `targetFar`, and the
 * true-accept rate there. With N different pairs, at most floor(targetFar·N) may pass;
 * when that is 0 the threshold is the highest different-pair score.
 */
export function tprAtFar(pairs: readonly ScoredPair[], targetFar: number): RateAtFar {
  const impostors = pairs.filter((p) => !p.same).map((p) => p.score).sort((a, b) => b - a);
  const genuine = pairs.filter((p) => p.same).map((p) => p.score);
  if (impostors.length === 0 || genuine.length === 0) throw new Error('need both same and different pairs');
  const threshold = impostorQuantile(impostors, targetFar);
  const falseAccepts = impostors.filter((s) => s > threshold).length;
  return {
    threshold,
    tpr: genuine.filter((s) => s > threshold).length / genuine.length,
    far: falseAccepts / impostors.length,
  };
}

/**
 * The score that at most a fraction `rate` of these different-person scores exceed:
 * the (floor(rate·N)+1)-th highest score. Used to set open-set thresholds.
 */
export function impostorQuantile(impostorScores: readonly number[], rate: number): number {
  if (impostorScores.length === 0) throw new Error('no scores');
  const desc = [...impostorScores].sort((a, b) => b - a);
  const allowed = Math.floor(rate * desc.length + 1e-9);
  return desc[Math.min(allowed, desc.length - 1)];
}

export function meanOf(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function stdOf(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = meanOf(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Index of the face whose box centre is nearest the image centre (LFW photos are centred
 * on their subject; other people may appear at the edges), or -1 when there is none.
 */
export function centralFaceIndex(
  boxes: ReadonlyArray<{ x: number; y: number; width: number; height: number }>,
  width: number,
  height: number,
): number {
  let best = -1;
  let bestDistance = Infinity;
  boxes.forEach((b, i) => {
    const d = Math.hypot(b.x + b.width / 2 - width / 2, b.y + b.height / 2 - height / 2);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}
