import { dot } from './similarity';

export interface GallerySample {
  sampleId: number;
  personId: number;
  embedding: Float32Array;
}

export interface SampleScore {
  sampleId: number;
  personId: number;
  similarity: number;
}

/**
 * Enrolled embeddings in one contiguous Float32Array, so a search is one linear pass of
 * dot products over memory that the CPU can stream. Removal swaps the last row in.
 */
export class Gallery {
  private vectors: Float32Array;
  private sampleIds: Int32Array;
  private personIds: Int32Array;
  private rowOfSample = new Map<number, number>();
  private count = 0;

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

  clear(): void {
    this.rowOfSample.clear();
    this.count = 0;
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

  /** Each person's best similarity, best person first (at most `k` people). */
  topPeople(query: Float32Array, k: number): Array<{ personId: number; similarity: number }> {
    const bestOfPerson = new Map<number, number>();
    for (let row = 0; row < this.count; row++) {
      const similarity = dot(query, this.vectors, row * this.dimension);
      const person = this.personIds[row];
      const previous = bestOfPerson.get(person);
      if (previous === undefined || similarity > previous) bestOfPerson.set(person, similarity);
    }
    return [...bestOfPerson.entries()]
      .map(([personId, similarity]) => ({ personId, similarity }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k);
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.sampleIds.length) return;
    const capacity = Math.max(rows, this.sampleIds.length * 2);
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
