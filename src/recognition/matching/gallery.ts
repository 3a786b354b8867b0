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

  /**
   * The `k` most similar people (each by their best sample), best first. One pass, no
   * allocation per row: a row only costs more than its dot product when it beats the k-th.
   */
  topPeople(query: Float32Array, k: number): Array<{ personId: number; similarity: number }> {
    const best: Array<{ personId: number; similarity: number }> = [];
    for (let row = 0; row < this.count; row++) {
      const similarity = dot(query, this.vectors, row * this.dimension);
      if (best.length === k && similarity <= best[k - 1].similarity) continue;
      const personId = this.personIds[row];
      const listed = best.findIndex((entry) => entry.personId === personId);
      if (listed >= 0) {
        if (similarity <= best[listed].similarity) continue;
        best.splice(listed, 1);
      } else if (best.length === k) {
        best.pop();
      }
      let at = best.length;
      while (at > 0 && best[at - 1].similarity < similarity) at--;
      best.splice(at, 0, { personId, similarity });
    }
    return best;
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
