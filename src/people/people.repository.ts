import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { isUniqueViolation } from '../database/query-errors';
import { forgetCommitted } from '../database/secure-delete';
import type { Box } from '../recognition/face.types';
import type { FaceQuality } from '../recognition/quality/face-quality';
import { FaceSample } from './entities/face-sample.entity';
import { Person } from './entities/person.entity';
import { RejectedView } from './suggestions/rejected-view.entity';
import { SampleSuggestion } from './suggestions/sample-suggestion.entity';
import { nameKeyOf } from './person-name';
import { PERSON_TRACES, PersonTraces } from './person-traces';
import type { SampleFiles } from './storage/photo-store';

/** A sample just committed, with its person (name and id, samples not loaded). */
export interface CommittedSample {
  person: Person;
  sample: FaceSample;
}

/** A face sample about to be stored. */
export interface NewSample {
  embedding: Float32Array;
  modelId: string;
  box: Box;
  files: SampleFiles;
  photoSha256: string;
  quality?: FaceQuality | null;
}

/** Another person already has this name (compared without case). */
export class NameTakenError extends Error {
  constructor(readonly takenName: string) {
    super(`a person named "${takenName}" already exists`);
  }
}

/** A person just deleted, with what went with them. */
export interface ErasedPerson {
  /** With their samples (for the files to delete). */
  person: Person;
  /** Sightings deleted with them (their face crops are in the rows). */
  sightings: number;
}

/** Refused: a person keeps at least one face sample. */
export class LastSampleError extends Error {
  constructor() {
    super('this is the last face of the person: delete the person instead');
  }
}

/**
 * The database side of the people module. Every write is one transaction, taken under the
 * DatabaseWriteLock: SQLite through TypeORM shares one connection, so no other module's
 * statement may run inside it (and be rolled back with it).
 */
@Injectable()
export class PeopleRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
    @Inject(PERSON_TRACES) private readonly traces: PersonTraces,
  ) {}

  findAll(): Promise<Person[]> {
    return this.dataSource.getRepository(Person).find({ relations: { samples: true }, order: { id: 'ASC', samples: { id: 'ASC' } } });
  }

  findOne(id: number): Promise<Person | null> {
    return this.dataSource
      .getRepository(Person)
      .findOne({ where: { id }, relations: { samples: true }, order: { samples: { id: 'ASC' } } });
  }

  findByName(name: string): Promise<Person | null> {
    return this.dataSource.getRepository(Person).findOneBy({ nameKey: nameKeyOf(name) });
  }

  findSample(personId: number, sampleId: number): Promise<FaceSample | null> {
    return this.dataSource.getRepository(FaceSample).findOneBy({ id: sampleId, personId });
  }

  async hasPhoto(photoSha256: string): Promise<boolean> {
    return this.dataSource.getRepository(FaceSample).existsBy({ photoSha256 });
  }

  /** Samples whose vectors come from another model than `modelId`, with their person. */
  samplesNotOfModel(modelId: string): Promise<FaceSample[]> {
    return this.dataSource
      .getRepository(FaceSample)
      .createQueryBuilder('sample')
      .innerJoinAndSelect('sample.person', 'person')
      .where('sample.modelId != :modelId', { modelId })
      .orderBy('sample.id')
      .getMany();
  }

  /** Samples enrolled before their quality was measured, with their person. */
  samplesWithoutQuality(): Promise<FaceSample[]> {
    return this.dataSource
      .getRepository(FaceSample)
      .createQueryBuilder('sample')
      .innerJoinAndSelect('sample.person', 'person')
      .where('sample.quality IS NULL')
      .orderBy('sample.id')
      .getMany();
  }

  async setQuality(sampleId: number, quality: FaceQuality): Promise<void> {
    await this.lock.run(() => this.dataSource.getRepository(FaceSample).update(sampleId, { quality }));
  }

  /** Inserts a person with their first sample; throws NameTakenError. */
  createPerson(name: string, sample: NewSample): Promise<CommittedSample> {
    return nameTakenOnConflict(
      name,
      this.transaction(async (tx) => {
        await this.assertNameFree(tx, name);
        const person = await tx.save(tx.create(Person, { name, nameKey: nameKeyOf(name) }));
        return { person, sample: await this.insertSample(tx, person.id, sample) };
      }),
    );
  }

  /** Adds a sample to a person; null when the person does not exist. */
  addSample(personId: number, sample: NewSample): Promise<CommittedSample | null> {
    return this.transaction(async (tx) => {
      const person = await tx.findOneBy(Person, { id: personId });
      if (!person) return null;
      const saved = await this.insertSample(tx, personId, sample);
      await tx.update(Person, personId, { updatedAt: () => 'CURRENT_TIMESTAMP' });
      return { person, sample: saved };
    });
  }

  /** Renames a person; null when the person does not exist; throws NameTakenError. */
  rename(id: number, name: string): Promise<Person | null> {
    return nameTakenOnConflict(
      name,
      this.transaction(async (tx) => {
        const person = await tx.findOneBy(Person, { id });
        if (!person) return null;
        await this.assertNameFree(tx, name, id);
        person.name = name;
        person.nameKey = nameKeyOf(name);
        await tx.save(person);
        return tx.findOneOrFail(Person, { where: { id }, relations: { samples: true }, order: { samples: { id: 'ASC' } } });
      }),
    );
  }

  /**
   * Erases a person in one transaction: their samples, suggested samples, rejected views, their sightings (with the
   * crops) and the person row, or nothing. Returns what was deleted (for its files), or null.
   */
  deletePerson(id: number): Promise<ErasedPerson | null> {
    return this.lock.run(async () => {
      const erased = await this.dataSource.transaction(async (tx) => {
        const person = await tx.findOne(Person, { where: { id }, relations: { samples: true } });
        if (!person) return null;
        await tx.delete(FaceSample, { personId: id });
        await tx.delete(SampleSuggestion, { personId: id });
        await tx.delete(RejectedView, { personId: id });
        const sightings = await this.traces.eraseIn(tx, id);
        await tx.delete(Person, { id });
        return { person, sightings };
      });
      // Committed: no copy of the erased pages stays in the write-ahead log either.
      if (erased) await forgetCommitted(this.dataSource, ['face_samples', 'sample_suggestions', 'rejected_views', 'sightings', 'people']);
      return erased;
    });
  }

  /** Deletes one sample; null when it does not exist; throws LastSampleError. */
  deleteSample(personId: number, sampleId: number): Promise<FaceSample | null> {
    return this.transaction(async (tx) => {
      const sample = await tx.findOneBy(FaceSample, { id: sampleId, personId });
      if (!sample) return null;
      if ((await tx.countBy(FaceSample, { personId })) === 1) throw new LastSampleError();
      await tx.delete(FaceSample, { id: sampleId });
      await tx.update(Person, personId, { updatedAt: () => 'CURRENT_TIMESTAMP' });
      return sample;
    });
  }

  /** Replaces a sample's vector with one from another model (see PeopleStartup). */
  async replaceEmbedding(sampleId: number, embedding: Float32Array, modelId: string, box: Box): Promise<void> {
    await this.lock.run(() => this.dataSource.getRepository(FaceSample).update(sampleId, { embedding, modelId, box }));
  }

  private transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.lock.run(() => this.dataSource.transaction(work));
  }

  private async insertSample(tx: EntityManager, personId: number, sample: NewSample): Promise<FaceSample> {
    const { files, ...fields } = sample;
    return tx.save(tx.create(FaceSample, { ...fields, personId, photoFile: files.photo, thumbnailFile: files.thumbnail }));
  }

  private async assertNameFree(tx: EntityManager, name: string, exceptId?: number): Promise<void> {
    const holder = await tx.findOneBy(Person, { nameKey: nameKeyOf(name) });
    if (holder && holder.id !== exceptId) throw new NameTakenError(name);
  }
}

/**
 * The name check runs before the insert, but on PostgreSQL another node (or connection) may take
 * the name in between: the unique index on nameKey then refuses the row, the same answer.
 */
async function nameTakenOnConflict<T>(name: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err)) throw new NameTakenError(name);
    throw err;
  }
}
