import {
  accuracyAt,
  bestThreshold,
  crossValidate,
  meanOf,
  stdOf,
  type CrossValidation,
  type ScoredPair,
} from '../recognition/evaluation/verification';

/** The header of a full LFW pairs file: `10<TAB>300` = 10 folds of 300 same + 300 different pairs. */
export interface PairsHeader {
  folds: number;
  pairsPerClass: number;
}

export function readPairsHeader(text: string): PairsHeader | undefined {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '');
  const fields = first?.trim().split(/\s+/) ?? [];
  if (fields.length !== 2 || !fields.every((f) => /^\d+$/.test(f))) return undefined;
  return { folds: Number(fields[0]), pairsPerClass: Number(fields[1]) };
}

export interface FoldPlan {
  k: number;
  /** `protocol`: the file's own folds (consecutive blocks, as LFW's 10 x 600); `interleaved`: pair i in fold i mod k. */
  kind: 'protocol' | 'interleaved';
}

/**
 * The file's own folds when its header describes it exactly (several folds of
 * 2·pairsPerClass lines) and no fold count was asked for; otherwise k-fold cross-validation
 * inside the list (default 10).
 */
export function planFolds(header: PairsHeader | undefined, pairCount: number, requested?: number): FoldPlan {
  if (requested === undefined && header && header.folds >= 2 && header.folds * 2 * header.pairsPerClass === pairCount) {
    return { k: header.folds, kind: 'protocol' };
  }
  return { k: requested ?? 10, kind: 'interleaved' };
}

/** Cross-validated accuracy with either fold plan (threshold chosen on the other folds each time). */
export function crossValidateWith(pairs: readonly ScoredPair[], plan: FoldPlan): CrossValidation {
  if (plan.kind === 'interleaved') return crossValidate(pairs, plan.k);
  const size = pairs.length / plan.k;
  const accuracies: number[] = [];
  const thresholds: number[] = [];
  for (let fold = 0; fold < plan.k; fold++) {
    const inFold = (i: number) => Math.floor(i / size) === fold;
    const { threshold } = bestThreshold(pairs.filter((_, i) => !inFold(i)));
    thresholds.push(threshold);
    accuracies.push(accuracyAt(pairs.filter((_, i) => inFold(i)), threshold));
  }
  return { accuracies, thresholds, mean: meanOf(accuracies), std: stdOf(accuracies), meanThreshold: meanOf(thresholds) };
}
