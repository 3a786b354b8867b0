import { Injectable } from '@nestjs/common';
import { SerialQueue } from '../common/serial-queue';

/**
 * SQLite through TypeORM is one connection: a statement sent while another module's
 * transaction is open runs inside it, and is undone if that transaction rolls back. So every
 * write (a transaction, or a single statement) takes this lock, and none can land in another's
 * transaction: a sighting recorded while an enrollment fails is kept.
 */
@Injectable()
export class DatabaseWriteLock {
  private readonly queue = new SerialQueue();

  run<T>(write: () => Promise<T>): Promise<T> {
    return this.queue.run(write);
  }
}
