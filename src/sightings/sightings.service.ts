import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { FaceCropper } from '../live/face-cropper';
import { SerialQueue } from '../common/serial-queue';
import { EventBus } from '../events/event-bus';
import { PersonErasures } from '../events/person-erasures';
import type { FrameObservation } from '../stream/stream.types';
import { Appearance, AppearanceBook, Glimpse } from './appearance';
import { Page, pageWindow, PageRequest, toPage } from './paging';
import { SightingDto } from './sightings.dto';
import { RecognitionService } from '../recognition/recognition.service';
import { SightingEmbedding, SightingFilter, SightingsRepository } from './sightings.repository';

export const SIGHTINGS_OPTIONS = Symbol('SIGHTINGS_OPTIONS');

export interface SightingsOptions {
  endAfterMs: number;
  /** Open sightings are written at most this often (last seen, best confidence). */
  flushEveryMs: number;
  /** A view this many confidence points better than the thumbnail's replaces it. */
  betterViewBy: number;
  /** At start, end the sightings a previous run left open (one node); false when other nodes share the store. */
  endOngoingAtStart?: boolean;
}

/**
 * Records sightings: appearance logic (pure, appearance.ts) over each recognised frame's named
 * faces; a row is inserted when an appearance starts and updated in batches while it lasts
 * (never once per frame), and closed when it ends.
 */
@Injectable()
export class SightingsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SightingsService.name);
  /** One appearance book per camera: a person seen by two cameras has a sighting on each. */
  private readonly books = new Map<string, AppearanceBook>();
  private readonly cameraOf = new WeakMap<Appearance, string>();
  /** Database writes and crops in order: an appearance's insert always precedes its updates. */
  private readonly writes = new SerialQueue();
  private subscriptions: Subscription[] = [];
  /**
   * People erased while this runs (frames recognised before the erasure may still name them),
   * each with its clean-up: deleting what was written during the erasure, once.
   */
  private readonly erased = new Map<number, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private unfollowErasures?: () => void;

  constructor(
    private readonly repository: SightingsRepository,
    private readonly events: EventBus,
    private readonly cropper: FaceCropper,
    @Inject(SIGHTINGS_OPTIONS) private readonly options: SightingsOptions,
    /** Names the model of the embeddings kept with the crops (absent in specs that need none). */
    @Optional() private readonly recognition?: RecognitionService,
    @Optional() private readonly erasures?: PersonErasures,
  ) {}

  private bookOf(camera: string): AppearanceBook {
    let book = this.books.get(camera);
    if (!book) this.books.set(camera, (book = new AppearanceBook({ endAfterMs: this.options.endAfterMs, betterViewBy: this.options.betterViewBy })));
    return book;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.endOngoingAtStart !== false) await this.repository.endAllOngoing();
    this.subscriptions.push(
      this.events.on('frame.observed').subscribe((observation) => this.observe(observation)),
      this.events.on('person.changed').subscribe(({ personId, change }) => change === 'removed' && void this.forget(personId)),
    );
    this.unfollowErasures = this.erasures?.follow((personId) => this.forget(personId));
    this.timer = setInterval(() => this.flush(Date.now()), this.options.flushEveryMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.unfollowErasures?.();
    clearInterval(this.timer);
    for (const book of this.books.values()) for (const appearance of book.endAll()) this.enqueueEnd(appearance);
    await this.writes.run(async () => undefined).catch(() => undefined);
  }

  async list(filter: SightingFilter, request: Partial<PageRequest>): Promise<Page<SightingDto>> {
    const window = pageWindow(request);
    const [rows, total] = await this.repository.find(filter, window);
    return toPage(rows.map(SightingDto.from), total, window);
  }

  async thumbnail(id: number): Promise<Buffer> {
    const thumbnail = await this.repository.thumbnail(id);
    if (thumbnail === undefined) throw new NotFoundException(`sighting ${id} not found`);
    if (thumbnail === null) throw new NotFoundException(`sighting ${id} has no thumbnail`);
    return thumbnail;
  }

  /**
   * A sighting's row was corrected (given to someone else, or sent to the inbox): if it is still
   * going on, its appearance stops writing to the row, so the recogniser's name does not come back.
   */
  release(rowId: number): void {
    for (const book of this.books.values()) {
      for (const appearance of book.openAppearances) if (appearance.rowId === rowId) appearance.rowId = undefined;
    }
  }

  /**
   * This node is about to run a camera another node ran (several nodes): each person's sighting
   * left open there is continued here when it is recent enough to be the same appearance (seen up
   * to `maxGapMs`, the longest failover, plus the usual end-after time before), else ended; so a
   * failover never opens a second one.
   */
  continueOpen(camera: string, maxGapMs: number, now = Date.now()): Promise<void> {
    return this.writes.run(async () => {
      const book = this.bookOf(camera);
      const rows = await this.repository.ongoingOf(camera);
      const newest = new Map(rows.map((row) => [row.personId, row.id]));
      for (const row of rows) {
        const appearance: Appearance = {
          personId: row.personId,
          name: row.personName,
          trackId: -1,
          firstSeen: row.firstSeen,
          lastSeen: row.lastSeen,
          bestConfidence: row.bestConfidence,
          thumbnailConfidence: row.bestConfidence,
          rowId: row.id,
          takenOverAt: now,
        };
        this.cameraOf.set(appearance, camera);
        const current = newest.get(row.personId) === row.id && now - row.lastSeen <= maxGapMs + this.options.endAfterMs && !this.erased.has(row.personId);
        if (current && book.adopt(appearance)) continue;
        await this.repository.end(row.id);
        this.announce(appearance, false);
      }
    });
  }

  /** This node stopped running a camera for another node: its open sightings are written as they stand, left open for that node. */
  handOver(camera: string): Promise<void> {
    const open = this.books.get(camera)?.endAll() ?? [];
    return this.writes.run(async () => {
      for (const appearance of open) await this.write(appearance, true);
    });
  }

  /**
   * A person was erased (their rows are gone): their open appearances are dropped unannounced,
   * and rows that writes queued before the erasure still insert are deleted after them (the
   * erasure is answered when that is done: PersonErasures).
   */
  private forget(personId: number): Promise<void> {
    const known = this.erased.get(personId);
    if (known) return known;
    for (const book of this.books.values()) book.forget(personId);
    const done = this.writes.run(async () => {
      const late = await this.repository.deleteOfPerson(personId);
      if (late > 0) this.logger.log(`deleted ${late} sighting(s) of erased person #${personId} recorded during the erasure`);
    }).catch((err) => this.logger.error(`sightings of erased person #${personId} recorded during the erasure may remain: ${err instanceof Error ? err.message : err}`));
    this.erased.set(personId, done);
    return done;
  }

  private observe(observation: FrameObservation): void {
    const at = observation.recognizedAt;
    const camera = observation.camera;
    const book = this.bookOf(camera);
    for (const appearance of book.expire(at)) this.enqueueEnd(appearance);
    const named = observation.faces.filter((face) => face.personId !== null && !this.erased.has(face.personId));
    const glimpses: Glimpse[] = named.map((face) => ({
      personId: face.personId!,
      name: face.name,
      trackId: face.trackId,
      confidence: face.confidence,
    }));
    const { started, betterView } = book.observe(at, glimpses);
    const faceOf = (appearance: Appearance) => named.find((face) => face.personId === appearance.personId)!;
    const boxOf = (appearance: Appearance) => faceOf(appearance).box;
    const embeddingOf = (appearance: Appearance) => this.embeddingOf(observation, faceOf(appearance));
    for (const appearance of started) {
      const box = boxOf(appearance);
      const embedding = embeddingOf(appearance);
      appearance.thumbnailConfidence = appearance.bestConfidence;
      this.cameraOf.set(appearance, camera);
      // The crop is made later, in turn: keep the frame's pixels until then.
      const letGo = observation.hold();
      this.enqueue(async () => {
        if (this.erased.has(appearance.personId)) return letGo();
        const crop = await this.cropper
          .crop(observation.image, box)
          .catch((err) => {
            this.logger.warn(`no thumbnail for a sighting of ${appearance.name}: ${err}`);
            return null;
          })
          .finally(letGo);
        appearance.rowId = await this.repository.insert({
          personId: appearance.personId,
          personName: appearance.name,
          camera,
          firstSeen: appearance.firstSeen,
          lastSeen: appearance.lastSeen,
          bestConfidence: appearance.bestConfidence,
          ongoing: true,
          thumbnail: crop?.thumbnail ?? null,
          ...embedding,
        });
        this.announce(appearance, true);
      });
    }
    for (const appearance of betterView) {
      const box = boxOf(appearance);
      const embedding = embeddingOf(appearance);
      const confidence = appearance.bestConfidence;
      appearance.thumbnailConfidence = confidence;
      const letGo = observation.hold();
      this.enqueue(async () => {
        if (appearance.rowId === undefined) return letGo();
        const crop = await this.cropper.crop(observation.image, box).finally(letGo);
        await this.repository.setThumbnail(appearance.rowId, crop.thumbnail, confidence, embedding);
      });
    }
  }

  /** The face's embedding on this frame, with its model; undefined when the tracker vouched for the face instead. */
  private embeddingOf(observation: FrameObservation, face: FrameObservation['faces'][number]): SightingEmbedding | undefined {
    const embedding = observation.embeddings[observation.faces.indexOf(face)];
    return embedding ? { embedding, embeddingModelId: this.recognition?.engine.modelId ?? null } : undefined;
  }

  /** Writes the open appearances that changed since the last flush, and ends the ones gone. */
  private flush(at: number): void {
    const changed: Appearance[] = [];
    for (const book of this.books.values()) {
      for (const appearance of book.expire(at)) this.enqueueEnd(appearance);
      changed.push(...book.takeChanged());
    }
    if (!changed.length) return;
    this.enqueue(async () => {
      for (const appearance of changed) await this.write(appearance, true);
    });
  }

  private enqueueEnd(appearance: Appearance): void {
    this.enqueue(async () => {
      await this.write(appearance, false);
      this.announce(appearance, false);
    });
  }

  private async write(appearance: Appearance, ongoing: boolean): Promise<void> {
    if (appearance.rowId === undefined) return; // its insert failed (logged)
    await this.repository.progress({
      id: appearance.rowId,
      personName: appearance.name,
      lastSeen: appearance.lastSeen,
      bestConfidence: appearance.bestConfidence,
      ongoing,
    });
  }

  private announce(appearance: Appearance, ongoing: boolean): void {
    if (appearance.rowId === undefined || this.erased.has(appearance.personId)) return;
    this.events.emit('sighting.changed', {
      id: appearance.rowId,
      personId: appearance.personId,
      personName: appearance.name,
      camera: this.cameraOf.get(appearance) ?? '',
      firstSeen: new Date(appearance.firstSeen).toISOString(),
      lastSeen: new Date(appearance.lastSeen).toISOString(),
      bestConfidence: round1(appearance.bestConfidence),
      ongoing,
      thumbnailUrl: `/sightings/${appearance.rowId}/thumbnail`,
    } satisfies SightingDto);
  }

  private enqueue(job: () => Promise<void>): void {
    this.writes.run(job).catch((err) => this.logger.warn(`recording a sighting failed: ${err instanceof Error ? err.message : err}`));
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
