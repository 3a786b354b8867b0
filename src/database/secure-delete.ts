import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Deleted means gone from the file: SQLite overwrites deleted content with zeros
 * (`secure_delete`, a setting of the one connection TypeORM keeps) instead of leaving it in free
 * pages. Erasures then also fold the write-ahead log back and truncate it (forgetCommitted), so
 * no old copy of an erased page stays in `-wal` either.
 */
@Injectable()
export class SecureDelete implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.query('PRAGMA secure_delete = ON');
  }
}

/** After an erasure has committed: checkpoint the write-ahead log and truncate it (best effort: a reader may hold it). */
export async function forgetCommitted(db: DataSource | EntityManager): Promise<void> {
  await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
}
