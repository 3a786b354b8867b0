import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf } from './store-options';

/**
 * Deleted means gone from the file: SQLite overwrites deleted content with zeros
 * (`secure_delete`, a setting of the one connection TypeORM keeps) instead of leaving it in free
 * pages. Erasures then also fold the write-ahead log back and truncate it (forgetCommitted), so
 * no old copy of an erased page stays in `-wal` either.
 *
 * PostgreSQL has no such setting: a deleted row stays in its page until VACUUM reclaims it, so
 * forgetCommitted vacuums the erased tables at once instead of waiting for autovacuum (the space
 * is reused, not zeroed: encrypt the database's disk where that matters; see the README).
 */
@Injectable()
export class SecureDelete implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    if (dialectOf(this.dataSource) === 'sqlite') await this.dataSource.query('PRAGMA secure_delete = ON');
  }
}

const logger = new Logger('SecureDelete');

/** After an erasure has committed (best effort: a reader may hold the log, a vacuum may wait). */
export async function forgetCommitted(db: DataSource, tables: readonly string[]): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
    return;
  }
  // VACUUM cannot run in a transaction: a pooled connection in autocommit, outside the erasure's.
  // The erasure has committed either way: a vacuum refused (not the tables' owner) is only logged.
  try {
    await db.query(`VACUUM ${tables.map((table) => `"${table}"`).join(', ')}`);
  } catch (err) {
    logger.warn(`VACUUM ${tables.join(', ')} after an erasure failed (autovacuum will reclaim the rows): ${(err as Error).message}`);
  }
}
