import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DatabaseWriteLock } from '../database/database-write-lock';
import type { PageRequest } from '../sightings/paging';
import { AuditEntry } from './audit-entry.entity';

/** A new entry; `suppressed` (refused attempts left out before it) defaults to 0. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'suppressed'> & { suppressed?: number };

/** The audit log's table. Abstract so services take a fake in unit tests. */
export abstract class AuditLog {
  abstract insert(entry: NewAuditEntry): Promise<number>;
  abstract findPage(page: PageRequest & { skip: number; take: number }): Promise<[AuditEntry[], number]>;
}

/** The audit_log table; single statements under the DatabaseWriteLock. */
@Injectable()
export class AuditRepository extends AuditLog {
  private readonly rows: Repository<AuditEntry>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {
    super();
    this.rows = dataSource.getRepository(AuditEntry);
  }

  async insert(entry: NewAuditEntry): Promise<number> {
    const result = await this.lock.run(() => this.rows.insert(entry));
    return result.identifiers[0].id as number;
  }

  findPage(page: PageRequest & { skip: number; take: number }): Promise<[AuditEntry[], number]> {
    return this.rows.findAndCount({ order: { at: 'DESC', id: 'DESC' }, skip: page.skip, take: page.take });
  }
}
