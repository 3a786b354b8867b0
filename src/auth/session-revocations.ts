import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual, Repository } from 'typeorm';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { RevokedSession } from './revoked-session.entity';

/**
 * Where signed-out sessions are kept so a restart does not bring them back (sessions are signed
 * tokens: without this list a stolen cookie would work again after a restart until it expires).
 * A port, so AccessService's specs use a fake.
 */
export abstract class SessionRevocations {
  /** Drops the revocations that expired by `nowSeconds` and returns the rest. */
  abstract load(nowSeconds: number): Promise<Array<{ id: string; expires: number }>>;
  abstract add(id: string, expires: number): Promise<void>;
}

/** The revoked_sessions table, under the DatabaseWriteLock. */
@Injectable()
export class SessionRevocationsRepository extends SessionRevocations {
  private readonly rows: Repository<RevokedSession>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {
    super();
    this.rows = dataSource.getRepository(RevokedSession);
  }

  async load(nowSeconds: number): Promise<Array<{ id: string; expires: number }>> {
    await this.lock.run(() => this.rows.delete({ expires: LessThanOrEqual(nowSeconds) }));
    return this.rows.find();
  }

  async add(id: string, expires: number): Promise<void> {
    await this.lock.run(() => this.rows.upsert({ id, expires }, ['id']));
  }
}

/** Keeps revocations in memory only (tests, and tools that never sign anyone out). */
export class MemorySessionRevocations extends SessionRevocations {
  readonly rows = new Map<string, number>();

  async load(nowSeconds: number): Promise<Array<{ id: string; expires: number }>> {
    for (const [id, expires] of this.rows) if (expires <= nowSeconds) this.rows.delete(id);
    return [...this.rows].map(([id, expires]) => ({ id, expires }));
  }

  async add(id: string, expires: number): Promise<void> {
    this.rows.set(id, expires);
  }
}
