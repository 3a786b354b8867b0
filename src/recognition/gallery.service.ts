import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { Gallery } from './matching/gallery';
import { matchFace, MatchPolicy, MatchResult } from './matching/matcher';

export interface EnrolledSample {
  sampleId: number;
  embedding: Float32Array;
}

/**
 * The in-memory copy of every enrolled embedding for the running engine, kept in step
 * with the database by the people module, so a change shows on the stream at once.
 */
@Injectable()
export class GalleryService {
  private gallery?: Gallery;
  private readonly names = new Map<number, string>();
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

  match(embedding: Float32Array, policy: MatchPolicy): MatchResult {
    return matchFace(embedding, this.requireGallery(), (id) => this.names.get(id), policy);
  }

  private requireGallery(): Gallery {
    if (!this.gallery) throw new Error('gallery not initialised: the engine has not started');
    return this.gallery;
  }
}
