import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { forgetCommitted } from '../database/secure-delete';
import { Sighting } from './sighting.entity';
import type { PageRequest } from './paging';

export interface SightingFilter {
  personId?: number;
  camera?: string;
  /** Sightings still in view at or after this time (epoch ms). */
  from?: number;
  /** Sightings that began at or before this time (epoch ms). */
  to?: number;
}

export type NewSighting = Omit<Sighting, 'id' | 'embedding' | 'embeddingModelId'> & Partial<SightingEmbedding>;
export type SightingEmbedding = Pick<Sighting, 'embedding' | 'embeddingModelId'>;
export type SightingProgress = Pick<Sighting, 'id' | 'personName' | 'lastSeen' | 'bestConfidence' | 'ongoing'>;

/**
 * The database side of sightings. Every write is a single statement, taken under the
 * DatabaseWriteLock: the SQLite connection is shared with the people library's transactions.
 */
@Injectable()
export class SightingsRepository {
  private readonly rows: Repository<Sighting>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {
    this.rows = dataSource.getRepository(Sighting);
  }

  async insert(sighting: NewSighting): Promise<number> {
    const result = await this.lock.run(() => this.rows.insert(sighting));
    return result.identifiers[0].id as number;
  }

  async progress(update: SightingProgress): Promise<void> {
    const { id, ...fields } = update;
    await this.lock.run(() => this.rows.update({ id }, fields));
  }

  /** A better view: its crop, and its embedding when it was embedded (else the older one stays). */
  async setThumbnail(id: number, thumbnail: Buffer, bestConfidence: number, embedding?: SightingEmbedding): Promise<void> {
    await this.lock.run(() => this.rows.update({ id }, { thumbnail, bestConfidence, ...(embedding ?? {}) }));
  }

  /** A sighting with its crop and embedding (for correcting its name), or null. */
  withEvidence(id: number): Promise<Sighting | null> {
    return this.rows.createQueryBuilder('s').addSelect(['s.thumbnail', 's.embedding']).where('s.id = :id', { id }).getOne();
  }

  /** Gives a sighting to another person; whether it still existed. */
  async reassign(id: number, personId: number, personName: string): Promise<boolean> {
    return ((await this.lock.run(() => this.rows.update({ id }, { personId, personName }))).affected ?? 0) > 0;
  }

  async delete(id: number): Promise<boolean> {
    return ((await this.lock.run(() => this.rows.delete({ id }))).affected ?? 0) > 0;
  }

  /** Deletes a person's sightings (an erasure's late ones: gone from the file and its log too); how many. */
  async deleteOfPerson(personId: number): Promise<number> {
    const deleted = (await this.lock.run(() => this.rows.delete({ personId }))).affected ?? 0;
    if (deleted > 0) await this.lock.run(() => forgetCommitted(this.dataSource, ['sightings']));
    return deleted;
  }

  /** Sightings a previous run left open (it stopped without ending them) are over. */
  async endAllOngoing(): Promise<void> {
    await this.lock.run(() => this.rows.update({ ongoing: true }, { ongoing: false }));
  }

  /** A camera's sightings still open (another node ran it and did not end them), oldest first. */
  ongoingOf(camera: string): Promise<Sighting[]> {
    return this.rows.find({ where: { camera, ongoing: true }, order: { lastSeen: 'ASC' } });
  }

  /** Ends one sighting as it stands. */
  async end(id: number): Promise<void> {
    await this.lock.run(() => this.rows.update({ id }, { ongoing: false }));
  }

  findOne(id: number): Promise<Sighting | null> {
    return this.rows.findOneBy({ id });
  }

  async find(filter: SightingFilter, page: PageRequest & { skip: number; take: number }): Promise<[Sighting[], number]> {
    const query = this.rows.createQueryBuilder('s');
    if (filter.personId !== undefined) query.andWhere('s.personId = :personId', { personId: filter.personId });
    if (filter.camera !== undefined) query.andWhere('s.camera = :camera', { camera: filter.camera });
    if (filter.from !== undefined) query.andWhere('s.lastSeen >= :from', { from: filter.from });
    if (filter.to !== undefined) query.andWhere('s.firstSeen <= :to', { to: filter.to });
    return query.orderBy('s.firstSeen', 'DESC').addOrderBy('s.id', 'DESC').skip(page.skip).take(page.take).getManyAndCount();
  }

  async thumbnail(id: number): Promise<Buffer | null | undefined> {
    const row = await this.rows.createQueryBuilder('s').select(['s.id', 's.thumbnail']).where('s.id = :id', { id }).getOne();
    return row ? row.thumbnail : undefined;
  }
}
