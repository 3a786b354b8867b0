import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SerialQueue } from '../common/serial-queue';
import { dialectOf } from './store-options';

/**
 * SQLite through TypeORM is one connection: a statement sent while another module's
 * transaction is open runs inside it, and is undone if that transaction rolls back. So every
 * write (a transaction, or a single statement) takes this lock, and none can land in another's
 * transaction: a sighting recorded while an enrollment fails is kept. PostgreSQL gives every
 * transaction its own pooled connection, so there the lock lets writes through at once.
 */
@Injectable()
export class DatabaseWriteLock {
  private readonly queue: SerialQueue | undefined;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.queue = dialectOf(dataSource) === 'sqlite' ? new SerialQueue() : undefined;
  }

  run<T>(write: () => Promise<T>): Promise<T> {
    return this.queue ? this.queue.run(write) : write();
  }
}
