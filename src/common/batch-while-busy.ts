import type { OperatorFunction } from 'rxjs';
import { oneCallAtATime } from './one-call-at-a-time';

export interface BatchLimits<T> {
  /** A batch never weighs more than this, unless one item alone does (it then goes alone). */
  maxWeight: number;
  weight: (item: T) => number;
}

/**
 * bufferCount-style batching without a window to wait for: one call runs at a time, and the
 * items that arrive while it runs go together in the next call (oldest first, up to
 * `maxWeight`). On an idle consumer every item goes at once, alone; the busier the consumer,
 * the larger the batches. A bufferTime window would instead add its length to every item's
 * latency, busy or not. Nothing is dropped: the queue is bounded by the callers (each camera
 * has at most one request waiting).
 */
export function batchWhileBusy<T, R>(project: (batch: T[]) => Promise<R>, limits: BatchLimits<T>): OperatorFunction<T, R> {
  const takeBatch = (queue: T[]): T[] => {
    const batch = [queue.shift()!];
    let weight = limits.weight(batch[0]);
    while (queue.length > 0 && weight + limits.weight(queue[0]) <= limits.maxWeight) {
      weight += limits.weight(queue[0]);
      batch.push(queue.shift()!);
    }
    return batch;
  };
  return oneCallAtATime((queue, item) => queue.push(item), takeBatch, project);
}
