/** Messages waiting for the broker: pure, no I/O. */

export interface OutgoingMessage {
  topic: string;
  payload: string | Buffer;
  retain: boolean;
  qos: 0 | 1;
}

/**
 * A bounded FIFO of messages for the broker. A retained message replaces a waiting one of the
 * same topic (only the newest state matters; it keeps the older one's place), and when full the
 * oldest message is dropped and counted, so a broker that is away never grows memory.
 */
export class Outbox {
  private readonly queue: OutgoingMessage[] = [];
  dropped = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be >= 1');
  }

  push(message: OutgoingMessage): void {
    if (message.retain) {
      const waiting = this.queue.findIndex((queued) => queued.retain && queued.topic === message.topic);
      if (waiting >= 0) {
        this.queue[waiting] = message;
        return;
      }
    }
    this.queue.push(message);
    if (this.queue.length > this.capacity) {
      this.queue.shift();
      this.dropped++;
    }
  }

  /** The oldest waiting message, removed from the queue. */
  shift(): OutgoingMessage | undefined {
    return this.queue.shift();
  }

  get length(): number {
    return this.queue.length;
  }
}
