import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { CLOCK, Clock } from '../../common/clock';
import { SerialQueue } from '../../common/serial-queue';
import { EventBus } from '../../events/event-bus';
import { FaceCropper } from '../../live/face-cropper';
import type { RecognizedFace } from '../../recognition/recognition.service';
import { RecognitionService } from '../../recognition/recognition.service';
import { GalleryService } from '../../recognition/gallery.service';
import { faceQuality, faceSharpness } from '../../recognition/quality/face-quality';
import type { FrameObservation } from '../../stream/stream.types';
import { Enrollment, PeopleService } from '../people.service';
import type { SampleSuggestion } from './sample-suggestion.entity';
import { judgeView, nearDuplicate, nearestSimilarity, REJECTED_VIEWS_PER_PERSON, SuggestionPolicy } from './suggestion-rules';
import { SUGGESTION_STORE, SuggestionStore } from './suggestion-store';

export const SUGGESTIONS_OPTIONS = Symbol('SUGGESTIONS_OPTIONS');

export interface SuggestionsOptions {
  policy: SuggestionPolicy;
  maxPerPerson: number;
  /** A track's faces are considered at most this often: a face in view for a minute is not judged 750 times. */
  trackEveryMs: number;
}

/**
 * Known people get better with use: recognised faces of enrolled people that are good views
 * (quality/face-quality.ts) and unlike their samples (suggestion-rules.ts) are kept as suggested
 * samples, which an admin adds or rejects; with AUTO_ADD_SAMPLES the clearest are added at once.
 */
@Injectable()
export class SampleSuggestionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SampleSuggestionsService.name);
  private readonly writes = new SerialQueue();
  private readonly lastJudged = new Map<number, number>();
  private subscription?: Subscription;

  constructor(
    @Inject(SUGGESTION_STORE) private readonly store: SuggestionStore,
    private readonly people: PeopleService,
    private readonly gallery: GalleryService,
    private readonly recognition: RecognitionService,
    private readonly cropper: FaceCropper,
    private readonly events: EventBus,
    @Inject(SUGGESTIONS_OPTIONS) private readonly options: SuggestionsOptions,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.events.on('frame.observed').subscribe((observation) => this.observe(observation));
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.writes.run(async () => undefined).catch(() => undefined);
  }

  async list(personId: number): Promise<SampleSuggestion[]> {
    await this.people.findOne(personId);
    return this.store.listOf(personId);
  }

  async thumbnail(personId: number, id: number): Promise<Buffer> {
    return (await this.store.thumbnail(personId, id)) ?? notFound(personId, id);
  }

  /** "Add": the suggestion's photo goes through enrollment like an upload, and becomes a sample (on the stream at once). */
  async accept(personId: number, id: number): Promise<Enrollment> {
    const suggestion = (await this.store.withPhoto(personId, id)) ?? notFound(personId, id);
    const enrollment = await this.people.addFace(personId, suggestion.photo);
    await this.store.delete(personId, id);
    this.logger.log(`suggested sample ${id} added to person #${personId}`);
    return enrollment;
  }

  /** "Not this person": the suggestion goes, its embedding stays so that view is not suggested (nor added) again. */
  async reject(personId: number, id: number): Promise<void> {
    if (!(await this.store.reject(personId, id, this.now(), REJECTED_VIEWS_PER_PERSON))) notFound(personId, id);
    this.logger.log(`suggested sample ${id} of person #${personId} rejected: that view will not be suggested again`);
  }

  /** The undo of "not this person": every rejected view of the person forgotten (views like them may come again). */
  async forgetRejections(personId: number): Promise<void> {
    await this.people.findOne(personId);
    const forgotten = await this.store.forgetRejected(personId);
    this.logger.log(`forgot ${forgotten} rejected view(s) of person #${personId}`);
  }

  /** Judges the named, freshly embedded faces of a recognised frame (cheap checks first: most are ignored). */
  private observe(observation: FrameObservation): void {
    const at = observation.recognizedAt;
    observation.faces.forEach((face, i) => {
      const embedding = observation.embeddings[i];
      if (face.personId === null || !embedding || face.landmarks.length < 5) return;
      if (at - (this.lastJudged.get(face.trackId) ?? -Infinity) < this.options.trackEveryMs) return;
      this.lastJudged.set(face.trackId, at);
      const quality = faceQuality({ box: face.box, landmarks: face.landmarks, sharpness: faceSharpness(observation.image, face.box) });
      if (quality.overall < this.options.policy.minQuality) return;
      // The view may be cropped later, in turn: keep the frame's pixels until then.
      const letGo = observation.hold();
      this.writes
        .run(() => this.consider(observation, face as RecognizedFace & { personId: number }, embedding, quality).finally(letGo))
        .catch((err) => this.logger.warn(`judging a view of person #${face.personId} failed: ${err instanceof Error ? err.message : err}`));
    });
    if (this.lastJudged.size > 1000) this.forgetOldTracks(at);
  }

  private async consider(
    observation: FrameObservation,
    face: RecognizedFace & { personId: number },
    embedding: Float32Array,
    quality: SampleSuggestion['quality'],
  ): Promise<void> {
    const personId = face.personId;
    const nearest = this.gallery.nearestSampleOf(personId, embedding);
    if (!nearest) return; // erased meanwhile, or no sample of this model
    const person = await this.people.findOne(personId).catch(() => null);
    if (!person) return;
    const modelId = this.recognition.engine.modelId;
    const rejected = (await this.store.rejectedOf(personId)).filter((view) => view.modelId === modelId);
    const view = {
      quality,
      similarity: nearest.similarity,
      runnerUp: this.gallery.runnerUpTo(personId, embedding),
      threshold: this.recognition.matchPolicy.threshold,
      samples: person.samples.length,
      similarityToRejected: nearestSimilarity(embedding, rejected),
    };
    const verdict = judgeView(view, this.options.policy);
    if (verdict.kind === 'ignore') return;
    const crop = await this.cropper.crop(observation.image, face.box);
    if (verdict.kind === 'add') {
      await this.people.addFace(personId, crop.photo);
      // The trail of an add nobody clicked: why it was clear enough.
      const runnerUp = view.runnerUp === null ? 'none' : view.runnerUp.toFixed(3);
      this.logger.log(
        `added a sample to ${person.name} (#${personId}) automatically (similarity ${nearest.similarity.toFixed(3)}, threshold ${view.threshold.toFixed(3)}, ` +
          `runner-up ${runnerUp}, quality ${quality.overall}, ${view.samples + 1} samples now)`,
      );
      return;
    }
    const kept = await this.store.listOf(personId);
    const repeated = nearDuplicate(embedding, kept, this.options.policy.maxSimilarityToSamples);
    if (repeated && repeated.quality.overall >= quality.overall) return; // the kept view is as good
    await this.store.insertBounded(
      {
        personId,
        camera: observation.camera,
        seenAt: observation.recognizedAt,
        similarity: Math.round(nearest.similarity * 1000) / 1000,
        quality,
        modelId,
        embedding,
        photo: crop.photo,
        thumbnail: crop.thumbnail,
      },
      this.options.maxPerPerson,
      repeated?.id,
    );
  }

  private forgetOldTracks(now: number): void {
    for (const [trackId, at] of this.lastJudged) if (now - at > 60_000) this.lastJudged.delete(trackId);
  }
}

function notFound(personId: number, id: number): never {
  throw new NotFoundException(`suggestion ${id} of person ${personId} not found`);
}
