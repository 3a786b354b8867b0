import { createHash } from 'node:crypto';
import { ConflictException, Injectable, Logger, NotFoundException, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { PersonErasures } from '../events/person-erasures';
import { EventBus } from '../events/event-bus';
import type { Box } from '../recognition/face.types';
import { EnrolledSample, GalleryService } from '../recognition/gallery.service';
import type { PhotoFace } from '../recognition/inference/inference.protocol';
import { RecognitionService } from '../recognition/recognition.service';
import { faceQuality } from '../recognition/quality/face-quality';
import { ChosenFace, chooseEnrollmentFace, FaceChoice } from './enrollment/face-choice';
import type { FaceSample } from './entities/face-sample.entity';
import type { Person } from './entities/person.entity';
import { CommittedSample, LastSampleError, NameTakenError, NewSample, PeopleRepository } from './people.repository';
import { SerialQueue } from '../common/serial-queue';
import { PhotoStore } from './storage/photo-store';
import { UploadedPhotoAnalyzer } from './upload/uploaded-photo-analyzer';

/** Which face of the photo to enroll (see FaceChoice). */
export type FaceSelection = Pick<FaceChoice, 'faceIndex'>;

/** A person just enrolled or given a photo, with which face of the photo was taken and which were ignored. */
export interface Enrollment {
  person: Person;
  chosen: Omit<ChosenFace<PhotoFace>, 'face'> & { box: Box };
}

/** An enrollment photo that passed every check, with the face chosen from it. */
interface EnrollablePhoto {
  bytes: Uint8Array;
  extension: string;
  sha256: string;
  face: PhotoFace;
  chosen: ChosenFace<PhotoFace>;
}

/**
 * The people library. Every change is committed to the database first and then applied
 * to the live gallery, one change at a time, so the stream never matches against
 * something the database does not hold (or the other way round).
 */
@Injectable()
export class PeopleService {
  private readonly logger = new Logger(PeopleService.name);
  /** One write at a time: SQLite's single connection cannot interleave transactions, and the gallery must follow commit order. */
  private readonly writes = new SerialQueue();
  private readonly minFacePx: number;

  constructor(
    private readonly people: PeopleRepository,
    private readonly photos: PhotoStore,
    private readonly recognition: RecognitionService,
    private readonly gallery: GalleryService,
    private readonly uploads: UploadedPhotoAnalyzer,
    config: ConfigService<AppConfig, true>,
    /** Absent in the command-line tools, where nobody listens. */
    @Optional() private readonly events?: EventBus,
    @Optional() private readonly erasures?: PersonErasures,
  ) {
    this.minFacePx = config.get('ENROLL_MIN_FACE_PX', { infer: true });
  }

  findAll(): Promise<Person[]> {
    return this.people.findAll();
  }

  async findOne(id: number): Promise<Person> {
    return (await this.people.findOne(id)) ?? notFound(id);
  }

  findByName(name: string): Promise<Person | null> {
    return this.people.findByName(name);
  }

  /** Whether a photo with these bytes is enrolled already (for any person). */
  isEnrolled(photo: Uint8Array): Promise<boolean> {
    return this.people.hasPhoto(sha256(photo));
  }

  async create(name: string, image: Uint8Array | undefined, choice: FaceSelection = {}): Promise<Enrollment> {
    // Cheap refusals first: a taken name should not cost a trip through the models.
    if (await this.people.findByName(name)) throw nameTaken(name);
    const photo = await this.prepareEnrollment(image, choice);
    const { person } = await this.storeAndCommit(photo, (sample) => this.people.createPerson(name, sample));
    this.logger.log(`enrolled ${person.name} (#${person.id})`);
    this.events?.emit('person.changed', { personId: person.id, name: person.name, change: 'added' });
    return { person: await this.findOne(person.id), chosen: describeChoice(photo.chosen) };
  }

  async addFace(personId: number, image: Uint8Array | undefined, choice: FaceSelection = {}): Promise<Enrollment> {
    await this.findOne(personId);
    const photo = await this.prepareEnrollment(image, choice);
    await this.storeAndCommit(photo, async (sample) => (await this.people.addSample(personId, sample)) ?? notFound(personId));
    this.logger.log(`added a face to person #${personId}`);
    this.events?.emit('person.faces-changed', { personId });
    return { person: await this.findOne(personId), chosen: describeChoice(photo.chosen) };
  }

  async rename(id: number, name: string): Promise<Person> {
    const person = await this.writes.run(async () => {
      const renamed = (await this.people.rename(id, name).catch(rethrowAsHttp)) ?? notFound(id);
      this.gallery.setPerson(renamed.id, renamed.name);
      return renamed;
    });
    this.events?.emit('person.changed', { personId: person.id, name: person.name, change: 'renamed' });
    return person;
  }

  /**
   * Erases every trace of a person: samples, sightings (with their crops) and the person in one
   * transaction, then the live gallery, then the photo and thumbnail files. A file that cannot be
   * deleted is logged (the rows are gone either way); 'person.changed' tells the other channels.
   */
  async remove(id: number): Promise<void> {
    const { person, sightings } = await this.writes.run(async () => {
      const erased = (await this.people.deletePerson(id)) ?? notFound(id);
      this.gallery.removePerson(id);
      return erased;
    });
    this.events?.emit('person.changed', { personId: id, name: person.name, change: 'removed' });
    // Answered only when nothing recognised before the erasure can still write a trace of them.
    await this.erasures?.settle(id);
    await Promise.all(person.samples.map((sample) => this.deleteFiles(sample)));
    this.logger.log(`erased person #${id}: ${person.samples.length} face(s), ${sightings} sighting(s)`);
  }

  async removeFace(personId: number, sampleId: number): Promise<void> {
    const sample = await this.writes.run(async () => {
      const deleted = (await this.people.deleteSample(personId, sampleId).catch(rethrowAsHttp)) ?? faceNotFound(personId, sampleId);
      this.gallery.removeSample(sampleId);
      return deleted;
    });
    this.events?.emit('person.faces-changed', { personId });
    await this.deleteFiles(sample);
  }

  async thumbnail(personId: number, sampleId: number): Promise<Buffer> {
    const sample = (await this.people.findSample(personId, sampleId)) ?? faceNotFound(personId, sampleId);
    return this.photos.readThumbnail(sample.thumbnailFile).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new NotFoundException(`the thumbnail of face ${sampleId} is missing`);
      throw err;
    });
  }

  /** Puts every person's samples of the running model into the gallery (at start). */
  async loadGallery(): Promise<void> {
    this.gallery.replaceAll((await this.people.findAll()).map((person) => this.galleryEntryOf(person)));
  }

  /**
   * Makes the gallery hold exactly what the store holds: people gone are dropped, the others
   * replaced. After the store may have changed unseen (another node wrote while our notifications
   * were cut off). In the write queue, so it never interleaves with a local write. Returns who was dropped.
   */
  resyncGallery(): Promise<Array<{ personId: number; name: string }>> {
    return this.writes.run(async () => {
      const everyone = await this.people.findAll();
      const present = new Set(everyone.map((person) => person.id));
      const dropped = this.gallery
        .personIds()
        .filter((id) => !present.has(id))
        .map((personId) => ({ personId, name: this.gallery.nameOf(personId) ?? '' }));
      this.gallery.replaceAll(everyone.map((person) => this.galleryEntryOf(person)));
      return dropped;
    });
  }

  /** Who the gallery names and which samples it holds, for the running model; read in the write queue, so never half a change. */
  galleryContents(): Promise<{ modelId: string; people: Array<{ personId: number; name: string }>; sampleIds: number[] }> {
    return this.writes.run(async () => ({
      modelId: this.recognition.engine.modelId,
      people: this.gallery.personIds().map((personId) => ({ personId, name: this.gallery.nameOf(personId) ?? '' })),
      sampleIds: this.gallery.sampleIds(),
    }));
  }

  /**
   * Replaces one person in the gallery with what the store holds now, or drops them when gone (a
   * change made by another node). Says who it was: the stored name, or the name the gallery knew.
   */
  reloadPerson(personId: number): Promise<{ name: string; removed: boolean }> {
    return this.writes.run(async () => {
      const person = await this.people.findOne(personId);
      if (person) {
        const { name, samples } = this.galleryEntryOf(person);
        this.gallery.replacePerson(person.id, name, samples);
        return { name: person.name, removed: false };
      }
      const name = this.gallery.nameOf(personId) ?? '';
      this.gallery.removePerson(personId);
      return { name, removed: true };
    });
  }

  /** Samples whose embedding comes from another model than the running one. */
  samplesOfOtherModels(): Promise<FaceSample[]> {
    return this.people.samplesNotOfModel(this.recognition.engine.modelId);
  }

  /** Samples enrolled before their quality was measured. */
  samplesWithoutQuality(): Promise<FaceSample[]> {
    return this.people.samplesWithoutQuality();
  }

  /** Stores the quality of a sample's face, measured on its stored photo. */
  setQuality(sample: FaceSample, face: PhotoFace): Promise<void> {
    return this.people.setQuality(sample.id, faceQuality({ ...face, sharpness: face.sharpness ?? 0 }));
  }

  readPhoto(sample: FaceSample): Promise<Buffer> {
    return this.photos.readPhoto(sample.photoFile);
  }

  /** Stores a sample's vector from the running model and adds it to the gallery. */
  replaceEmbedding(sample: FaceSample, embedding: Float32Array, box: Box): Promise<void> {
    const { modelId } = this.recognition.engine;
    return this.writes.run(async () => {
      await this.people.replaceEmbedding(sample.id, embedding, modelId, box);
      this.gallery.setPerson(sample.person.id, sample.person.name, [{ sampleId: sample.id, embedding }]);
    });
  }

  /** The person as the gallery holds them: their samples of the running model only. */
  private galleryEntryOf(person: Person): { personId: number; name: string; samples: EnrolledSample[] } {
    const { modelId } = this.recognition.engine;
    const samples = person.samples.filter((sample) => sample.modelId === modelId).map(toGallerySample);
    return { personId: person.id, name: person.name, samples };
  }

  /** Checks the upload, finds its faces and picks the one to enroll; stores nothing. */
  private async prepareEnrollment(image: Uint8Array | undefined, choice: FaceSelection): Promise<EnrollablePhoto> {
    const { bytes, upload, analysis } = await this.uploads.analyze(image);
    const chosen = chooseEnrollmentFace(analysis.faces, { ...choice, photo: analysis, minFacePx: this.minFacePx });
    return { bytes, extension: upload.extension, sha256: sha256(bytes), face: chosen.face, chosen };
  }

  /**
   * Writes the photo and thumbnail, commits the sample with `commit` and puts it in the
   * gallery. The files are deleted again when the commit fails, so a refusal leaves nothing.
   */
  private async storeAndCommit(
    photo: EnrollablePhoto,
    commit: (sample: NewSample) => Promise<CommittedSample>,
  ): Promise<CommittedSample> {
    const files = await this.photos.saveSample(photo.bytes, photo.extension, photo.face.thumbnailJpeg);
    const sample: NewSample = {
      embedding: photo.face.embedding,
      modelId: this.recognition.engine.modelId,
      box: photo.face.box,
      files,
      photoSha256: photo.sha256,
      quality: photo.face.sharpness === undefined ? null : faceQuality({ ...photo.face, sharpness: photo.face.sharpness }),
    };
    return this.writes.run(async () => {
      let committed: CommittedSample;
      try {
        committed = await commit(sample).catch(rethrowAsHttp);
      } catch (err) {
        await this.photos.removeSample(files);
        throw err;
      }
      this.gallery.setPerson(committed.person.id, committed.person.name, [toGallerySample(committed.sample)]);
      return committed;
    });
  }

  private async deleteFiles(sample: FaceSample): Promise<void> {
    // The rows are gone already: a file that cannot be deleted is litter, not a failure of the request.
    await this.photos
      .removeSample({ photo: sample.photoFile, thumbnail: sample.thumbnailFile })
      .catch((err) => this.logger.warn(`could not delete the files of face ${sample.id}: ${err}`));
  }
}

function describeChoice({ face, ...chosen }: ChosenFace<PhotoFace>): Enrollment['chosen'] {
  const { x, y, width, height } = face.box;
  return { ...chosen, box: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) } };
}

function toGallerySample(sample: FaceSample): { sampleId: number; embedding: Float32Array } {
  return { sampleId: sample.id, embedding: sample.embedding };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function notFound(id: number): never {
  throw new NotFoundException(`person ${id} not found`);
}

function faceNotFound(personId: number, sampleId: number): never {
  throw new NotFoundException(`face ${sampleId} of person ${personId} not found`);
}

function nameTaken(name: string): ConflictException {
  return new ConflictException(`a person named "${name}" already exists`);
}

/** The repository's refusals as HTTP answers. */
function rethrowAsHttp(err: unknown): never {
  if (err instanceof NameTakenError) throw nameTaken(err.takenName);
  if (err instanceof LastSampleError) throw new ConflictException(err.message);
  throw err;
}
