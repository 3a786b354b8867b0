/** Which recognised views of an enrolled person become suggested samples, or samples outright. Pure. */
import { dot } from '../../recognition/matching/similarity';
import type { FaceQuality } from '../../recognition/quality/face-quality';

export interface SuggestionPolicy {
  /** A view scoring under this (its weakest aspect) is not worth a sample. */
  minQuality: number;
  /** A view at least this similar to one of the person's samples (or suggestions) adds little: not suggested. */
  maxSimilarityToSamples: number;
  /** A view at least this similar to one an admin rejected ("not this person") is that view again: never suggested nor added. */
  maxSimilarityToRejected: number;
  /** AUTO_ADD_SAMPLES: added without a click only when every condition below holds. */
  autoAdd: {
    enabled: boolean;
    minQuality: number;
    /** Similarity above the threshold in force. */
    minOverThreshold: number;
    /** Similarity above the best other person's. */
    minOverRunnerUp: number;
    /** Never beyond this many samples per person (suggestions still come). */
    maxSamples: number;
  };
}

/**
 * 0.6 quality: a frontal, sharp face of 67 px or more. 0.6 similarity: EdgeFace-XS's same-person
 * photos of LFW mostly score 0.3–0.7, so a view under 0.6 to every sample is a genuinely new one.
 * Rejected views use the same line the other way: a view 0.6 or more like a rejected one is the
 * view the admin refused (the same photo, pose and camera: 0.90–1.0 from one pass of the demo video to the next), while
 * another photo of the person (mostly under 0.6) can still be suggested. Refusing a wrong sample is
 * worth more than one missed suggestion, so the line is not higher.
 * Automatic adds need three times the matcher's margin (0.15) over both the threshold and the runner-up.
 */
export const DEFAULT_SUGGESTION_POLICY: SuggestionPolicy = {
  minQuality: 0.6,
  maxSimilarityToSamples: 0.6,
  maxSimilarityToRejected: 0.6,
  autoAdd: { enabled: false, minQuality: 0.75, minOverThreshold: 0.15, minOverRunnerUp: 0.15, maxSamples: 5 },
};

/**
 * Rejected views kept per person, newest first (older ones dropped): one "not this person" per view
 * the cameras keep showing wrongly is a few; 50 x 512 floats is 100 KB, compared in microseconds.
 */
export const REJECTED_VIEWS_PER_PERSON = 50;

/** A recognised face of an enrolled person, as the rules see it. */
export interface RecognisedView {
  quality: FaceQuality;
  /** Similarity to the person's nearest sample. */
  similarity: number;
  /** Best similarity to anyone else (null: nobody else enrolled). */
  runnerUp: number | null;
  threshold: number;
  /** The person's samples now. */
  samples: number;
  /** Similarity to the most similar view rejected for this person (null: none rejected). */
  similarityToRejected: number | null;
}

export type Verdict = { kind: 'ignore'; reason: 'quality' | 'like-a-sample' | 'not-named' | 'rejected' } | { kind: 'suggest' } | { kind: 'add' };

export function judgeView(view: RecognisedView, policy: SuggestionPolicy = DEFAULT_SUGGESTION_POLICY): Verdict {
  if (view.similarity < view.threshold) return { kind: 'ignore', reason: 'not-named' };
  if (view.similarityToRejected !== null && view.similarityToRejected >= policy.maxSimilarityToRejected) return { kind: 'ignore', reason: 'rejected' };
  if (view.quality.overall < policy.minQuality) return { kind: 'ignore', reason: 'quality' };
  if (view.similarity >= policy.maxSimilarityToSamples) return { kind: 'ignore', reason: 'like-a-sample' };
  const auto = policy.autoAdd;
  const clear =
    auto.enabled &&
    view.quality.overall >= auto.minQuality &&
    view.similarity >= view.threshold + auto.minOverThreshold &&
    (view.runnerUp === null || view.similarity - view.runnerUp >= auto.minOverRunnerUp) &&
    view.samples < auto.maxSamples;
  return clear ? { kind: 'add' } : { kind: 'suggest' };
}

/** The kept suggestion this view nearly repeats (similarity at least `bound`), the most similar; undefined if none. */
export function nearDuplicate<S extends { embedding: Float32Array }>(embedding: Float32Array, kept: readonly S[], bound: number): S | undefined {
  const best = mostSimilar(embedding, kept);
  return best && best.similarity >= bound ? best.item : undefined;
}

/** The similarity of the most similar of `kept` (vectors of another size skipped); null if none. */
export function nearestSimilarity(embedding: Float32Array, kept: ReadonlyArray<{ embedding: Float32Array }>): number | null {
  return mostSimilar(embedding, kept)?.similarity ?? null;
}

function mostSimilar<S extends { embedding: Float32Array }>(embedding: Float32Array, kept: readonly S[]): { item: S; similarity: number } | undefined {
  let best: { item: S; similarity: number } | undefined;
  for (const item of kept) {
    if (item.embedding.length !== embedding.length) continue;
    const similarity = dot(embedding, item.embedding);
    if (!best || similarity > best.similarity) best = { item, similarity };
  }
  return best;
}
