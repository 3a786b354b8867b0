import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { AuditEntry } from '../audit/audit-entry.entity';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { forgetCommitted } from '../database/secure-delete';
import { Sighting } from '../sightings/sighting.entity';
import { UnknownFace } from '../unknown-faces/unknown-face.entity';
import type { RetentionKind } from './retention-rules';
import { ExpiringRecords } from './retention.ports';

interface Target {
  entity: EntityTarget<ObjectLiteral>;
  /** The condition on alias `r` that makes a row expired before :cutoff. */
  where: string;
  table: string;
}

const TARGETS: Record<RetentionKind, Target> = {
  // Ended sightings only: one still open is being written.
  sightings: { entity: Sighting, table: 'sightings', where: 'r.lastSeen < :cutoff AND NOT r.ongoing' },
  unknown_faces: { entity: UnknownFace, table: 'unknown_faces', where: 'r.lastSeen < :cutoff' },
  audit: { entity: AuditEntry, table: 'audit_log', where: 'r.at < :cutoff' },
};

/**
 * Deletes expired rows (their face crops are in the rows), one transaction per kind, under the
 * DatabaseWriteLock; then the write-ahead log is folded back (see SecureDelete).
 */
@Injectable()
export class RetentionRepository extends ExpiringRecords {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {
    super();
  }

  deleteExpired(kind: RetentionKind, cutoff: number): Promise<number[]> {
    const { entity, table, where } = TARGETS[kind];
    return this.lock.run(async () => {
      const ids = await this.dataSource.transaction(async (tx: EntityManager) => {
        const rows: Array<{ id: number }> = await tx.createQueryBuilder(entity, 'r').select('r.id', 'id').where(where, { cutoff }).getRawMany();
        // The same condition in the same transaction (nothing else writes meanwhile on SQLite): the same rows.
        if (rows.length > 0) await tx.createQueryBuilder().delete().from(entity, 'r').where(where, { cutoff }).execute();
        return rows.map((row) => row.id);
      });
      if (ids.length > 0) await forgetCommitted(this.dataSource, [table]);
      return ids;
    });
  }
}
