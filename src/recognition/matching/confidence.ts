/**
 * Maps a cosine similarity to the percentage shown next to a name.
 * A logistic curve centred on the match threshold: exactly at the threshold the decision
 * is a coin toss (50 %), and `spread` is the similarity distance that moves it to ~73 %.
 * For a named face it is the confidence that the name is right; for "Unknown" the
 * confidence that the face belongs to nobody enrolled.
 */
export function matchConfidence(similarity: number, threshold: number, spread = 0.05): number {
  const p = 1 / (1 + Math.exp(-(similarity - threshold) / spread));
  return Math.round(p * 1000) / 10;
}

export function unknownConfidence(bestSimilarity: number, threshold: number, spread = 0.05): number {
  return Math.round((100 - matchConfidence(bestSimilarity, threshold, spread)) * 10) / 10;
}
