import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { PageRequest } from '../sightings/paging';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { UnknownFace } from './unknown-face.entity';

export type NewUnknownFace = Omit<UnknownFace, 'id' | 'notPersonId'> & Partial<Pick<UnknownFace, 'notPersonId'>>;
export type UnknownFaceUpdate = Pick<UnknownFace, 'id' | 'lastSeen' | 'appearances' | 'centroid'> &
  Partial<Pick<UnknownFace, 'photo' | 'thumbnail' | 'faceHeight'>>;

/** The database side of the inbox. Single statements, each under the DatabaseWriteLock (the SQLite connection is shared with the people library's transactions). */
@Injectable()
export class UnknownFacesRepository {
  private readonly rows: Repository<UnknownFace>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {
    this.rows = dataSource.getRepository(UnknownFace);
  }

  async insert(face: NewUnknownFace): Promise<number> {
    const result = await this.lock.run(() => this.rows.insert(face));
    return result.identifiers[0].id as number;
  }

  async update(update: UnknownFaceUpdate): Promise<void> {
    const { id, ...fields } = update;
    await this.lock.run(() => this.rows.update({ id }, fields));
  }

  /** The groups to compare new faces with: id, centroid and count of one model's entries. */
  groupsOf(modelId: string): Promise<Array<Pick<UnknownFace, 'id' | 'centroid' | 'appearances' | 'notPersonId'>>> {
    return this.rows
      .createQueryBuilder('u')
      .select(['u.id', 'u.centroid', 'u.appearances', 'u.notPersonId'])
      .where('u.modelId = :modelId', { modelId })
      .getMany();
  }

  findPage(page: PageRequest & { skip: number; take: number }): Promise<[UnknownFace[], number]> {
    return this.rows.findAndCount({ order: { lastSeen: 'DESC', id: 'DESC' }, skip: page.skip, take: page.take });
  }

  findOne(id: number): Promise<UnknownFace | null> {
    return this.rows.findOneBy({ id });
  }

  async blob(id: number, column: 'photo' | 'thumbnail'): Promise<Buffer | undefined> {
    const row = await this.rows.createQueryBuilder('u').select(['u.id', `u.${column}`]).where('u.id = :id', { id }).getOne();
    return row?.[column];
  }

  /** A person was erased: no entry keeps their id. */
  async forgetPerson(personId: number): Promise<void> {
    await this.lock.run(() => this.rows.update({ notPersonId: personId }, { notPersonId: null }));
  }

  /** Whether a row was deleted. */
  async delete(id: number): Promise<boolean> {
    return ((await this.lock.run(() => this.rows.delete({ id }))).affected ?? 0) > 0;
  }
}
