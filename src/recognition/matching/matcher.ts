import { matchConfidence, unknownConfidence } from './confidence';
import type { Gallery, PersonScore } from './gallery';

export const UNKNOWN = 'Unknown';

export interface MatchPolicy {
  /** Cosine similarity a face needs to be named. */
  threshold: number;
  /**
   * How far the best person must lead the runner-up. Guards against naming a face that
   * sits between two enrolled people, which a lone threshold cannot see.
   */
  margin: number;
}

export interface MatchResult {
  personId: number | null;
  name: string;
  /** Best similarity found (to the named person, or to the nearest one for Unknown). */
  similarity: number;
  /** Percentage shown to viewers, see confidence.ts. */
  confidence: number;
}

/** Decides who a face is, given the enrolled gallery and the names of its people. */
export function matchFace(
  embedding: Float32Array,
  gallery: Gallery,
  nameOf: (personId: number) => string | undefined,
  policy: MatchPolicy,
): MatchResult {
  return decideMatch(gallery.topPeople(embedding, 2), nameOf, policy);
}

/** The decision given a face's two most similar people (best first; fewer when fewer are enrolled). */
export function decideMatch(
  top: readonly PersonScore[],
  nameOf: (personId: number) => string | undefined,
  policy: MatchPolicy,
): MatchResult {
  const [best, second] = top;
  if (!best) return { personId: null, name: UNKNOWN, similarity: 0, confidence: 100 };
  const lead = second ? best.similarity - second.similarity : Infinity;
  const name = nameOf(best.personId);
  if (best.similarity >= policy.threshold && lead >= policy.margin && name !== undefined) {
    return {
      personId: best.personId,
      name,
      similarity: best.similarity,
      confidence: matchConfidence(best.similarity, policy.threshold),
    };
  }
  return {
    personId: null,
    name: UNKNOWN,
    similarity: best.similarity,
    confidence: unknownConfidence(best.similarity, policy.threshold),
  };
}
