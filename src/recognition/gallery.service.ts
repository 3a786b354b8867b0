import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { Gallery, SampleScore, topPeopleOf } from './matching/gallery';
import { decideMatch, matchFace, MatchPolicy, MatchResult } from './matching/matcher';
import { OnnxGalleryScorer } from './matching/onnx-gallery-scorer';

/**
 * From this many enrolled vectors on, a frame's faces are matched by onnxruntime (one matrix
 * product, off the event loop) instead of a JavaScript loop on it. Below it the loop takes
 * under ~0.5 ms and the native call's fixed cost is not worth it.
 */
export const NATIVE_SEARCH_MIN_VECTORS = 2_000;

export interface EnrolledSample {
  sampleId: number;
  embedding: Float32Array;
}

/**
 * The in-memory copy of every enrolled embedding for the running engine, kept in step
 * with the database by the people module, so a change shows on the stream at once.
 */
@Injectable()
export class GalleryService implements OnModuleDestroy {
  private readonly logger = new Logger(GalleryService.name);
  private gallery?: Gallery;
  private scorer?: Promise<OnnxGalleryScorer | null>;
  private nativeReady = false;
  private names = new Map<number, string>();
  private readonly changesSubject = new Subject<void>();
  /** Emits after every change of who is enrolled or of their samples (not on rename). */
  readonly changes$: Observable<void> = this.changesSubject.asObservable();

  /** Sets the embedding size of the running engine; drops anything held before. */
  reset(dimension: number): void {
    this.gallery = new Gallery(dimension);
    this.names.clear();
  }

  get size(): number {
    return this.gallery?.size ?? 0;
  }

  get peopleCount(): number {
    return this.names.size;
  }

  setPerson(personId: number, name: string, samples: EnrolledSample[] = []): void {
    this.names.set(personId, name);
    for (const sample of samples) this.requireGallery().add({ ...sample, personId });
    if (samples.length > 0) this.changesSubject.next();
  }

  /** Puts exactly these samples and name in place of whatever the person had (one change, not two). */
  replacePerson(personId: number, name: string, samples: EnrolledSample[]): void {
    this.gallery?.removePerson(personId);
    this.names.set(personId, name);
    for (const sample of samples) this.requireGallery().add({ ...sample, personId });
    this.changesSubject.next();
  }

  /**
   * Replaces everything at once (at start, and a node's resync from the shared store): built aside in
   * one pass and swapped in, so a search never sees half of it; one change.
   */
  replaceAll(people: ReadonlyArray<{ personId: number; name: string; samples: EnrolledSample[] }>): void {
    const gallery = new Gallery(this.requireGallery().dimension);
    const names = new Map<number, string>();
    for (const { personId, name, samples } of people) {
      names.set(personId, name);
      for (const sample of samples) gallery.add({ ...sample, personId });
    }
    this.gallery = gallery;
    this.names = names;
    this.changesSubject.next();
  }

  /** Everyone the gallery names now. */
  personIds(): number[] {
    return [...this.names.keys()];
  }

  /** The ids of every sample held. */
  sampleIds(): number[] {
    return this.gallery?.sampleIdList() ?? [];
  }

  removePerson(personId: number): void {
    this.names.delete(personId);
    this.gallery?.removePerson(personId);
    this.changesSubject.next();
  }

  removeSample(sampleId: number): void {
    this.gallery?.removeSample(sampleId);
    this.changesSubject.next();
  }

  nameOf(personId: number): string | undefined {
    return this.names.get(personId);
  }

  /**
   * The person's enrolled sample most like this face (what made the matcher name it after them),
   * with its similarity; undefined when they have no sample of the running model, or the vector
   * is of another size (made by another model).
   */
  nearestSampleOf(personId: number, embedding: Float32Array): SampleScore | undefined {
    const gallery = this.gallery;
    if (!gallery || embedding.length !== gallery.dimension) return undefined;
    return gallery.bestSampleOf(embedding, personId);
  }

  /** The best similarity of this face to anyone but `personId` (null when nobody else is enrolled). */
  runnerUpTo(personId: number, embedding: Float32Array): number | null {
    const gallery = this.gallery;
    if (!gallery || embedding.length !== gallery.dimension) return null;
    return gallery.topPeople(embedding, 2).find((score) => score.personId !== personId)?.similarity ?? null;
  }

  /** Names one face, synchronously (a loop over the gallery on this thread): for small galleries and tools. */
  match(embedding: Float32Array, policy: MatchPolicy): MatchResult {
    return matchFace(embedding, this.requireGallery(), (id) => this.names.get(id), policy);
  }

  /**
   * Names every face of a frame. Large galleries are searched by onnxruntime in one call for all
   * faces, off the event loop, on a snapshot that enrollments running meanwhile do not disturb.
   */
  async matchAll(embeddings: readonly Float32Array[], policy: MatchPolicy): Promise<MatchResult[]> {
    const gallery = this.requireGallery();
    const scorer = embeddings.length > 0 && gallery.size >= NATIVE_SEARCH_MIN_VECTORS ? await this.nativeScorer() : null;
    if (!scorer) return embeddings.map((embedding) => this.match(embedding, policy));
    const nameOf = (id: number) => this.names.get(id);
    return gallery.pinned(async (snapshot) => {
      const scores = await scorer.similarities(embeddings, snapshot);
      return scores.map((row) => decideMatch(topPeopleOf(row, snapshot.personIds, 2), nameOf, policy));
    });
  }

  /** Whether a large gallery is searched by onnxruntime (false until the first such search, or if it failed). */
  get searchesNatively(): boolean {
    return this.nativeReady;
  }

  async onModuleDestroy(): Promise<void> {
    await (await this.scorer)?.dispose();
  }

  /** Created on first need; null (JavaScript search) if onnxruntime cannot build it. */
  private nativeScorer(): Promise<OnnxGalleryScorer | null> {
    this.scorer ??= OnnxGalleryScorer.create().then((scorer) => {
      this.nativeReady = true;
      return scorer;
    }, (err: unknown) => {
      this.logger.warn(`native gallery search unavailable, searching in JavaScript: ${err instanceof Error ? err.message : err}`);
      return null;
    });
    return this.scorer;
  }

  private requireGallery(): Gallery {
    if (!this.gallery) throw new Error('gallery not initialised: the engine has not started');
    return this.gallery;
  }
}
