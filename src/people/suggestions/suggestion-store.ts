import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DatabaseWriteLock } from '../../database/database-write-lock';
import { RejectedView } from './rejected-view.entity';
import { SampleSuggestion } from './sample-suggestion.entity';

export type NewSuggestion = Omit<SampleSuggestion, 'id' | 'person'>;

/** Where suggested samples are kept (a port: the service's specs use an in-memory one). */
export interface SuggestionStore {
  /** A person's suggestions without their pictures, oldest first. */
  listOf(personId: number): Promise<SampleSuggestion[]>;
  /** Inserts one, then drops the person's oldest beyond `maxPerPerson`, in one transaction; the new id. */
  insertBounded(suggestion: NewSuggestion, maxPerPerson: number, replacing?: number): Promise<number>;
  /** One of the person's suggestions with its photo, or null. */
  withPhoto(personId: number, id: number): Promise<SampleSuggestion | null>;
  thumbnail(personId: number, id: number): Promise<Buffer | null>;
  /** Whether it existed. */
  delete(personId: number, id: number): Promise<boolean>;
  /**
   * "Not this person": deletes the suggestion and keeps its embedding as a rejected view, then drops
   * the person's oldest rejected views beyond `keep`, in one transaction; whether it existed.
   */
  reject(personId: number, id: number, rejectedAt: number, keep: number): Promise<boolean>;
  /** The person's rejected views, oldest first (judging, export). */
  rejectedOf(personId: number): Promise<RejectedView[]>;
  /** Deletes every rejected view of the person; how many there were. */
  forgetRejected(personId: number): Promise<number>;
  /** Everything kept about the person's suggestions (export). */
  exportOf(personId: number): Promise<SampleSuggestion[]>;
}

export const SUGGESTION_STORE = Symbol('SUGGESTION_STORE');

/** The SQLite side; writes under the DatabaseWriteLock like every repository. */
@Injectable()
export class TypeOrmSuggestionStore implements SuggestionStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {}

  private get rows() {
    return this.dataSource.getRepository(SampleSuggestion);
  }

  listOf(personId: number): Promise<SampleSuggestion[]> {
    return this.rows.find({ where: { personId }, order: { seenAt: 'ASC', id: 'ASC' } });
  }

  insertBounded(suggestion: NewSuggestion, maxPerPerson: number, replacing?: number): Promise<number> {
    return this.lock.run(() =>
      this.dataSource.transaction(async (tx) => {
        if (replacing !== undefined) await tx.delete(SampleSuggestion, { id: replacing, personId: suggestion.personId });
        const id = (await tx.insert(SampleSuggestion, suggestion)).identifiers[0].id as number;
        const kept = await tx.find(SampleSuggestion, { select: { id: true }, where: { personId: suggestion.personId }, order: { seenAt: 'DESC', id: 'DESC' } });
        const dropped = kept.slice(maxPerPerson).map((row) => row.id);
        if (dropped.length) await tx.delete(SampleSuggestion, { id: In(dropped) });
        return id;
      }),
    );
  }

  withPhoto(personId: number, id: number): Promise<SampleSuggestion | null> {
    return this.rows.createQueryBuilder('s').addSelect('s.photo').where('s.id = :id AND s.personId = :personId', { id, personId }).getOne();
  }

  async thumbnail(personId: number, id: number): Promise<Buffer | null> {
    const row = await this.rows.createQueryBuilder('s').addSelect('s.thumbnail').where('s.id = :id AND s.personId = :personId', { id, personId }).getOne();
    return row?.thumbnail ?? null;
  }

  async delete(personId: number, id: number): Promise<boolean> {
    return ((await this.lock.run(() => this.rows.delete({ id, personId }))).affected ?? 0) > 0;
  }

  reject(personId: number, id: number, rejectedAt: number, keep: number): Promise<boolean> {
    return this.lock.run(() =>
      this.dataSource.transaction(async (tx) => {
        const suggestion = await tx.findOneBy(SampleSuggestion, { id, personId });
        if (!suggestion) return false;
        const { camera, seenAt, modelId, embedding } = suggestion;
        await tx.delete(SampleSuggestion, { id, personId });
        await tx.insert(RejectedView, { personId, camera, seenAt, rejectedAt, modelId, embedding });
        const kept = await tx.find(RejectedView, { select: { id: true }, where: { personId }, order: { rejectedAt: 'DESC', id: 'DESC' } });
        const dropped = kept.slice(keep).map((row) => row.id);
        if (dropped.length) await tx.delete(RejectedView, { id: In(dropped) });
        return true;
      }),
    );
  }

  rejectedOf(personId: number): Promise<RejectedView[]> {
    return this.dataSource.getRepository(RejectedView).find({ where: { personId }, order: { rejectedAt: 'ASC', id: 'ASC' } });
  }

  async forgetRejected(personId: number): Promise<number> {
    return (await this.lock.run(() => this.dataSource.getRepository(RejectedView).delete({ personId }))).affected ?? 0;
  }

  exportOf(personId: number): Promise<SampleSuggestion[]> {
    return this.rows
      .createQueryBuilder('s')
      .addSelect(['s.photo'])
      .where('s.personId = :personId', { personId })
      .orderBy('s.seenAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
  }
}
