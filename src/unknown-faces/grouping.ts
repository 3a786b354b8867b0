/** Grouping unknown faces by embedding similarity, so one stranger fills one inbox entry: pure. */

export interface FaceGroup {
  id: number;
  /** L2-normalised mean of the group's embeddings. */
  centroid: Float32Array;
  /** Embeddings averaged into the centroid. */
  count: number;
  /** Who an admin said this is not (a corrected sighting): being named after them does not resolve it. */
  notPersonId?: number | null;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embedding sizes differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The most similar group at or above `minSimilarity` (ties: the older group), or null. */
export function nearestGroup(
  embedding: Float32Array,
  groups: Iterable<FaceGroup>,
  minSimilarity: number,
): { group: FaceGroup; similarity: number } | null {
  let best: { group: FaceGroup; similarity: number } | null = null;
  for (const group of groups) {
    if (group.centroid.length !== embedding.length) continue; // another model's vectors are never compared
    const similarity = cosine(embedding, group.centroid);
    if (similarity >= minSimilarity && (!best || similarity > best.similarity || (similarity === best.similarity && group.id < best.group.id))) {
      best = { group, similarity };
    }
  }
  return best;
}

/** The centroid with one more embedding averaged in (renormalised); the inputs are not changed. */
export function addToCentroid(centroid: Float32Array, count: number, embedding: Float32Array): Float32Array {
  const next = new Float32Array(centroid.length);
  let norm = 0;
  for (let i = 0; i < centroid.length; i++) {
    next[i] = centroid[i] * count + embedding[i];
    norm += next[i] * next[i];
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < next.length; i++) next[i] /= norm;
  return next;
}

/** Every group at or above `minSimilarity`, most similar first (ties: the older group). */
export function similarGroups(
  embedding: Float32Array,
  groups: Iterable<FaceGroup>,
  minSimilarity: number,
): Array<{ group: FaceGroup; similarity: number }> {
  const found: Array<{ group: FaceGroup; similarity: number }> = [];
  for (const group of groups) {
    if (group.centroid.length !== embedding.length) continue;
    const similarity = cosine(embedding, group.centroid);
    if (similarity >= minSimilarity) found.push({ group, similarity });
  }
  return found.sort((a, b) => b.similarity - a.similarity || a.group.id - b.group.id);
}
