import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { debounceTime, Subscription } from 'rxjs';
import { FaceCropper } from '../live/face-cropper';
import type { Person } from '../people/entities/person.entity';
import { PeopleService } from '../people/people.service';
import { SerialQueue } from '../common/serial-queue';
import type { BgrImage } from '../recognition/face.types';
import { GalleryService } from '../recognition/gallery.service';
import { RecognitionService, type RecognizedFace } from '../recognition/recognition.service';
import { Page, pageWindow, PageRequest, toPage } from '../sightings/paging';
import { EventBus } from '../events/event-bus';
import type { FrameObservation } from '../stream/stream.types';
import { addToCentroid, FaceGroup, nearestGroup, similarGroups } from './grouping';
import { UnknownFaceDto } from './unknown-faces.dto';
import { UnknownFacesRepository } from './unknown-faces.repository';
import { UNKNOWN_INBOX_POLICY, UnknownInboxPolicy } from './unknown-inbox-policy';
import { UnknownCandidate, UnknownWatch } from './unknown-watch';

export const UNKNOWN_FACES_OPTIONS = Symbol('UNKNOWN_FACES_OPTIONS');

export interface UnknownFacesOptions {
  afterMs: number;
  minFacePx: number;
  /** Cosine similarity at which a face joins an entry; undefined = the match threshold. */
  groupSimilarity?: number;
}

/** A face that turned out to be a stranger after all (a sighting whose name was wrong), for the inbox. */
export interface StrangerFace {
  camera: string;
  firstSeen: number;
  lastSeen: number;
  embedding: Float32Array;
  faceHeight: number;
  /** JPEG with the face, enrollable (the detector finds the face in it). */
  photo: Buffer;
  thumbnail: Buffer;
  /** The person it was wrongly named after. */
  notPersonId: number;
}

/** Exactly one of them: a new person's name, or the id of an enrolled person. */
export interface Assignment {
  name?: string;
  personId?: number;
}

/**
 * The unknown-faces inbox: a face that stays Unknown (unknown-watch.ts) is cut out of the frame
 * and kept, grouped with a similar stranger already in the inbox (grouping.ts) or as a new
 * entry. Assigning an entry enrolls its crop through PeopleService, like an uploaded photo.
 */
@Injectable()
export class UnknownFacesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UnknownFacesService.name);
  private readonly watch: UnknownWatch;
  /** The inbox's entries of the running model, for grouping (kept in step with the table). */
  private readonly groups = new Map<number, FaceGroup>();
  private readonly writes = new SerialQueue();
  private readonly assigning = new Set<number>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly repository: UnknownFacesRepository,
    private readonly events: EventBus,
    private readonly recognition: RecognitionService,
    private readonly gallery: GalleryService,
    private readonly cropper: FaceCropper,
    private readonly people: PeopleService,
    @Inject(UNKNOWN_FACES_OPTIONS) private readonly options: UnknownFacesOptions,
    @Inject(UNKNOWN_INBOX_POLICY) private readonly inbox: UnknownInboxPolicy,
  ) {
    this.watch = new UnknownWatch({ afterMs: options.afterMs, minFacePx: options.minFacePx, forgetAfterMs: 10_000 });
  }

  /** Unless configured, the matcher's own rule: the groups are a gallery of strangers to be mistaken for. */
  private get groupSimilarity(): number {
    return this.options.groupSimilarity ?? this.recognition.policyForGallery(this.groups.size).threshold;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const row of await this.repository.groupsOf(this.recognition.engine.modelId)) {
      this.groups.set(row.id, { id: row.id, centroid: row.centroid, count: row.appearances, notPersonId: row.notPersonId });
    }
    this.subscriptions.push(
      // Track ids are unique across cameras, so one watch serves every camera.
      this.events.on('frame.observed').subscribe((observation) => this.observe(observation)),
      // An erased person leaves no trace here either (entries sent here from their wrongly named sightings).
      this.events.on('person.changed').subscribe(({ personId, change }) => change === 'removed' && this.forgetPerson(personId)),
      // Entries removed elsewhere (expired by the retention job) are no longer grouped with.
      this.events.on('unknown-face.changed').subscribe(({ id, change }) => change === 'removed' && this.groups.delete(id)),
      // Someone was enrolled (from the inbox, a photo or the live view): entries that are now them are resolved.
      this.gallery.changes$.pipe(debounceTime(300)).subscribe(() => {
        this.writes.run(() => this.resolveEnrolled()).catch((err) => this.logger.warn(`resolving the inbox failed: ${err}`));
      }),
    );
    await this.writes.run(() => this.resolveEnrolled());
  }

  async onModuleDestroy(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.writes.run(async () => undefined).catch(() => undefined);
  }

  async list(request: Partial<PageRequest>): Promise<Page<UnknownFaceDto>> {
    const window = pageWindow(request);
    const [rows, total] = await this.repository.findPage(window);
    return toPage(rows.map(UnknownFaceDto.from), total, window);
  }

  /**
   * The entries whose stranger looks like this face: as similar as a stranger seen again must be
   * to join an entry (UNKNOWN_FACE_GROUP_SIMILARITY), most similar first, at most `limit`.
   */
  async findSimilar(embedding: Float32Array, limit: number): Promise<Array<{ entry: UnknownFaceDto; similarity: number }>> {
    const similar = similarGroups(embedding, this.groups.values(), this.groupSimilarity).slice(0, limit);
    const rows = await Promise.all(similar.map(({ group }) => this.repository.findOne(group.id)));
    // An entry removed meanwhile is left out.
    return similar.flatMap(({ similarity }, i) => (rows[i] ? [{ entry: UnknownFaceDto.from(rows[i]), similarity }] : []));
  }

  async thumbnail(id: number): Promise<Buffer> {
    return (await this.repository.blob(id, 'thumbnail')) ?? notFound(id);
  }

  async dismiss(id: number): Promise<void> {
    await this.writes.run(async () => {
      if (!(await this.repository.delete(id))) notFound(id);
      this.groups.delete(id);
    });
    this.events.emit('unknown-face.changed', { id, change: 'removed' });
  }

  /** Enrolls the entry's face as a new person or adds it to one, then removes the entry. */
  async assign(id: number, assignment: Assignment): Promise<Person> {
    const { name, personId } = assignment;
    if ((name === undefined) === (personId === undefined)) {
      throw new BadRequestException('give exactly one of "name" (a new person) or "personId" (an enrolled person)');
    }
    if (this.assigning.has(id)) throw new ConflictException(`unknown face ${id} is being assigned already`);
    this.assigning.add(id);
    try {
      const photo = (await this.repository.blob(id, 'photo')) ?? notFound(id);
      // PeopleService checks, stores and commits the photo like any upload; a refusal leaves the entry as it was.
      const { person } = name !== undefined ? await this.people.create(name, photo) : await this.people.addFace(personId!, photo);
      await this.writes.run(async () => {
        await this.repository.delete(id);
        this.groups.delete(id);
      });
      this.events.emit('unknown-face.changed', { id, change: 'removed' });
      this.logger.log(`unknown face ${id} assigned to ${person.name} (#${person.id})`);
      return person;
    } finally {
      this.assigning.delete(id);
    }
  }

  /** Puts a face in the inbox as a new entry (never grouped: an admin said who it is not, not who it is); its id. */
  async addStranger(face: StrangerFace): Promise<number> {
    const id = await this.writes.run(async () => {
      const { embedding, ...fields } = face;
      const id = await this.repository.insert({ ...fields, appearances: 1, centroid: embedding, modelId: this.recognition.engine.modelId });
      this.groups.set(id, { id, centroid: embedding, count: 1, notPersonId: face.notPersonId });
      return id;
    });
    this.events.emit('unknown-face.changed', { id, change: 'added', camera: face.camera });
    return id;
  }

  private forgetPerson(personId: number): void {
    for (const group of this.groups.values()) if (group.notPersonId === personId) group.notPersonId = null;
    this.writes.run(() => this.repository.forgetPerson(personId)).catch((err) => this.logger.warn(`forgetting person #${personId} in the inbox failed: ${err}`));
  }

  /** Removes the entries whose face the gallery now names (the stranger has been enrolled meanwhile). */
  private async resolveEnrolled(): Promise<void> {
    for (const group of [...this.groups.values()]) {
      const match = this.gallery.match(group.centroid, this.recognition.matchPolicy);
      if (match.personId === null || match.personId === group.notPersonId) continue;
      const removedHere = await this.repository.delete(group.id);
      this.groups.delete(group.id);
      // Nodes sharing a store all resolve the entry when someone is enrolled: only the one whose delete took it tells (Socket.IO carries it to every node's clients).
      if (!removedHere) continue;
      this.logger.log(`unknown face ${group.id} is ${match.name} now: removed from the inbox`);
      this.events.emit('unknown-face.changed', { id: group.id, change: 'removed' });
    }
  }

  private observe(observation: FrameObservation): void {
    // A camera with `unknownInbox: false`: its strangers are neither watched nor kept.
    if (!this.inbox.keepsStrangersFrom(observation.camera)) return;
    const candidates = this.watch.observe(
      observation.recognizedAt,
      observation.faces.map((face, i) => ({
        trackId: face.trackId,
        known: face.personId !== null,
        box: face.box,
        embedding: observation.embeddings[i] ?? null,
      })),
    );
    for (const candidate of candidates) {
      // The face is cropped later, in turn: keep the frame's pixels until then.
      const letGo = observation.hold();
      this.writes
        .run(async () => {
          const id = await this.keep(observation.camera, observation.image, observation.recognizedAt, candidate).finally(letGo);
          const face = observation.faces.find((f) => f.trackId === candidate.trackId);
          if (face) this.announceUnknown(observation.camera, observation.recognizedAt, face, id);
        })
        .catch((err) => this.logger.warn(`keeping an unknown face failed: ${err instanceof Error ? err.message : err}`));
    }
  }

  /** The face that stayed Unknown, as a face change (after it was kept, so its inbox entry exists). */
  private announceUnknown(camera: string, at: number, face: RecognizedFace, unknownFaceId: number): void {
    const { x, y, width, height } = face.box;
    this.events.emit('face.changed', {
      type: 'unknown',
      camera,
      trackId: face.trackId,
      personId: null,
      name: face.name,
      confidence: Math.round(face.confidence * 10) / 10,
      similarity: Math.round(face.similarity * 1000) / 1000,
      box: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) },
      at: new Date(at).toISOString(),
      unknownFaceId,
    });
  }

  /** Keeps the face in the inbox; returns the entry it joined or started. */
  private async keep(camera: string, image: BgrImage, at: number, candidate: UnknownCandidate): Promise<number> {
    const crop = await this.cropper.crop(image, candidate.box);
    const faceHeight = Math.round(candidate.box.height);
    const near = nearestGroup(candidate.embedding, this.groups.values(), this.groupSimilarity);
    if (near) {
      const group = near.group;
      const centroid = addToCentroid(group.centroid, group.count, candidate.embedding);
      const row = await this.repository.findOne(group.id);
      if (row) {
        const better = faceHeight > row.faceHeight;
        await this.repository.update({
          id: group.id,
          lastSeen: at,
          appearances: group.count + 1,
          centroid,
          ...(better ? { photo: crop.photo, thumbnail: crop.thumbnail, faceHeight } : {}),
        });
        group.centroid = centroid;
        group.count++;
        this.events.emit('unknown-face.changed', { id: group.id, change: 'grouped', camera });
        return group.id;
      }
      this.groups.delete(group.id); // gone meanwhile: start a new entry
    }
    const id = await this.repository.insert({
      camera,
      firstSeen: candidate.unknownSince,
      lastSeen: at,
      appearances: 1,
      centroid: candidate.embedding,
      modelId: this.recognition.engine.modelId,
      faceHeight,
      photo: crop.photo,
      thumbnail: crop.thumbnail,
    });
    this.groups.set(id, { id, centroid: candidate.embedding, count: 1 });
    this.events.emit('unknown-face.changed', { id, change: 'added', camera });
    return id;
  }
}

function notFound(id: number): never {
  throw new NotFoundException(`unknown face ${id} not found`);
}
