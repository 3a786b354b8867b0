import { dot } from './similarity';

export interface GallerySample {
  sampleId: number;
  personId: number;
  embedding: Float32Array;
}

/** A read-only view of the gallery's rows, valid while it is pinned (see Gallery.pinned). */
export interface GallerySnapshot {
  dimension: number;
  size: number;
  /** size x dimension, row-major. */
  vectors: Float32Array;
  /** The person of each row. */
  personIds: Int32Array;
}

export interface PersonScore {
  personId: number;
  similarity: number;
}

export interface SampleScore {
  sampleId: number;
  personId: number;
  similarity: number;
}

/**
 * Enrolled embeddings in one contiguous Float32Array, so a search is one linear pass of
 * dot products over memory that the CPU can stream (or one matrix product, see
 * onnx-gallery-scorer.ts). Removal swaps the last row in.
 */
export class Gallery {
  private vectors: Float32Array;
  private sampleIds: Int32Array;
  private personIds: Int32Array;
  private rowOfSample = new Map<number, number>();
  private count = 0;
  /** Searches reading a snapshot right now: a change must not write under them. */
  private pins = 0;
  /** The vectors array the latest snapshot reads. */
  private pinnedVectors?: Float32Array;

  constructor(readonly dimension: number, initialCapacity = 64) {
    this.vectors = new Float32Array(dimension * initialCapacity);
    this.sampleIds = new Int32Array(initialCapacity);
    this.personIds = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  has(sampleId: number): boolean {
    return this.rowOfSample.has(sampleId);
  }

  add(sample: GallerySample): void {
    if (sample.embedding.length !== this.dimension) {
      throw new Error(`embedding has ${sample.embedding.length} values, the gallery holds ${this.dimension}`);
    }
    const existing = this.rowOfSample.get(sample.sampleId);
    const row = existing ?? this.count;
    this.detachFromSnapshots();
    if (existing === undefined) {
      this.ensureCapacity(this.count + 1);
      this.count++;
    }
    this.vectors.set(sample.embedding, row * this.dimension);
    this.sampleIds[row] = sample.sampleId;
    this.personIds[row] = sample.personId;
    this.rowOfSample.set(sample.sampleId, row);
  }

  removeSample(sampleId: number): boolean {
    const row = this.rowOfSample.get(sampleId);
    if (row === undefined) return false;
    const last = this.count - 1;
    this.detachFromSnapshots();
    if (row !== last) {
      this.vectors.copyWithin(row * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      this.sampleIds[row] = this.sampleIds[last];
      this.personIds[row] = this.personIds[last];
      this.rowOfSample.set(this.sampleIds[row], row);
    }
    this.rowOfSample.delete(sampleId);
    this.count--;
    return true;
  }

  removePerson(personId: number): number {
    let removed = 0;
    for (let row = this.count - 1; row >= 0; row--) {
      if (this.personIds[row] === personId && this.removeSample(this.sampleIds[row])) removed++;
    }
    return removed;
  }

  /** The ids of the samples held. */
  sampleIdList(): number[] {
    return Array.from(this.sampleIds.subarray(0, this.count));
  }

  clear(): void {
    this.rowOfSample.clear();
    this.count = 0;
  }

  /**
   * Runs `search` on a snapshot of the rows, which stays unchanged until the search settles even
   * if samples are added or removed meanwhile (they then go to a fresh copy of the arrays).
   */
  async pinned<T>(search: (snapshot: GallerySnapshot) => Promise<T>): Promise<T> {
    this.pins++;
    this.pinnedVectors = this.vectors;
    try {
      return await search({
        dimension: this.dimension,
        size: this.count,
        vectors: this.vectors.subarray(0, this.count * this.dimension),
        personIds: this.personIds.subarray(0, this.count),
      });
    } finally {
      this.pins--;
      if (this.pins === 0) this.pinnedVectors = undefined;
    }
  }

  /** The k best samples by similarity, best first. */
  topSamples(query: Float32Array, k: number): SampleScore[] {
    const best: SampleScore[] = [];
    for (let row = 0; row < this.count; row++) {
      const similarity = dot(query, this.vectors, row * this.dimension);
      if (best.length < k || similarity > best[best.length - 1].similarity) {
        const entry = { sampleId: this.sampleIds[row], personId: this.personIds[row], similarity };
        let i = best.length < k ? best.length : k - 1;
        if (best.length < k) best.push(entry);
        while (i > 0 && best[i - 1].similarity < similarity) {
          best[i] = best[i - 1];
          i--;
        }
        best[i] = entry;
      }
    }
    return best;
  }

  /** A person's sample most similar to `query` (undefined when they have none here). */
  bestSampleOf(query: Float32Array, personId: number): SampleScore | undefined {
    let best: SampleScore | undefined;
    for (let row = 0; row < this.count; row++) {
      if (this.personIds[row] !== personId) continue;
      const similarity = dot(query, this.vectors, row * this.dimension);
      if (!best || similarity > best.similarity) best = { sampleId: this.sampleIds[row], personId, similarity };
    }
    return best;
  }

  /**
   * The `k` most similar people (each by their best sample), best first. One pass, no
   * allocation per row: a row only costs more than its dot product when it beats the k-th.
   */
  topPeople(query: Float32Array, k: number): PersonScore[] {
    const best = new TopPeople(k);
    for (let row = 0; row < this.count; row++) best.offer(this.personIds[row], dot(query, this.vectors, row * this.dimension));
    return best.list;
  }

  /** While a snapshot is being read, changes go to a copy of the arrays. */
  private detachFromSnapshots(): void {
    if (this.pins > 0 && this.pinnedVectors === this.vectors) this.reallocate(this.sampleIds.length);
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.sampleIds.length) return;
    this.reallocate(Math.max(rows, this.sampleIds.length * 2));
  }

  private reallocate(capacity: number): void {
    const vectors = new Float32Array(capacity * this.dimension);
    vectors.set(this.vectors.subarray(0, this.count * this.dimension));
    const sampleIds = new Int32Array(capacity);
    sampleIds.set(this.sampleIds.subarray(0, this.count));
    const personIds = new Int32Array(capacity);
    personIds.set(this.personIds.subarray(0, this.count));
    this.vectors = vectors;
    this.sampleIds = sampleIds;
    this.personIds = personIds;
  }
}

/**
 * The k most similar people, each by their best row, best first. A row costs more than a
 * comparison only when it beats the k-th: no allocation per row.
 */
export class TopPeople {
  readonly list: PersonScore[] = [];

  constructor(private readonly k: number) {}

  offer(personId: number, similarity: number): void {
    const best = this.list;
    if (best.length === this.k && similarity <= best[this.k - 1].similarity) return;
    const listed = best.findIndex((entry) => entry.personId === personId);
    if (listed >= 0) {
      if (similarity <= best[listed].similarity) return;
      best.splice(listed, 1);
    } else if (best.length === this.k) {
      best.pop();
    }
    let at = best.length;
    while (at > 0 && best[at - 1].similarity < similarity) at--;
    best.splice(at, 0, { personId, similarity });
  }
}

/** The `k` most similar people given one similarity per row of a snapshot. */
export function topPeopleOf(similarities: ArrayLike<number>, personIds: Int32Array, k: number): PersonScore[] {
  const best = new TopPeople(k);
  for (let row = 0; row < personIds.length; row++) best.offer(personIds[row], similarities[row]);
  return best.list;
}
