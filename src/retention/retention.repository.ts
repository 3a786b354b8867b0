import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, FindOptionsWhere, LessThan, ObjectLiteral } from 'typeorm';
import { AuditEntry } from '../audit/audit-entry.entity';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { forgetCommitted } from '../database/secure-delete';
import { dialectOf } from '../database/store-options';
import { Sighting } from '../sightings/sighting.entity';
import { UnknownFace } from '../unknown-faces/unknown-face.entity';
import type { RetentionKind } from './retention-rules';
import { ExpiringRecords } from './retention.ports';

interface Target {
  entity: EntityTarget<ObjectLiteral>;
  table: string;
  /** The rows expired before `cutoff`. */
  expired(cutoff: number): FindOptionsWhere<ObjectLiteral>;
}

const TARGETS: Record<RetentionKind, Target> = {
  // Ended sightings only: one still open is being written.
  sightings: { entity: Sighting, table: 'sightings', expired: (cutoff) => ({ lastSeen: LessThan(cutoff), ongoing: false }) },
  unknown_faces: { entity: UnknownFace, table: 'unknown_faces', expired: (cutoff) => ({ lastSeen: LessThan(cutoff) }) },
  audit: { entity: AuditEntry, table: 'audit_log', expired: (cutoff) => ({ at: LessThan(cutoff) }) },
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
    const { entity, table, expired } = TARGETS[kind];
    return this.lock.run(async () => {
      const ids = await this.dataSource.transaction(async (tx: EntityManager) => {
        // On PostgreSQL another node may be expiring the same rows right now: locked (FOR UPDATE), a row it
        // deletes first is not listed here, so each deletion is counted and announced by one node only.
        const lock = dialectOf(tx) === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {};
        const rows = (await tx.find(entity, { select: { id: true }, where: expired(cutoff), ...lock })) as Array<{ id: number }>;
        // The same condition in the same transaction: the same rows (on SQLite nothing else writes
        // meanwhile; on PostgreSQL a row that expires in between is left for the next run's count).
        if (rows.length > 0) await tx.delete(entity, expired(cutoff));
        return rows.map((row) => row.id);
      });
      if (ids.length > 0) await forgetCommitted(this.dataSource, [table]);
      return ids;
    });
  }
}
