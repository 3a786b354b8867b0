import { Observable, OperatorFunction } from 'rxjs';
import { oneCallAtATime } from '../common/one-call-at-a-time';

/** Passes frames whose index is a multiple of `n`: the prototype's "every other frame" trick. */
export function isEveryNth(n: number): <T extends { index: number }>(frame: T) => boolean {
  return (frame) => frame.index % n === 0;
}

/**
 * Like exhaustMap, but the newest waiting item wins: at most one call runs and at most one
 * item waits. An item that arrives while another waits replaces it, and the replaced one is
 * reported through `onDrop`. Memory stays bounded however slow `project` is, and the work
 * done is always about the freshest frame.
 */
export function latestWins<T, R>(project: (item: T) => Promise<R>, onDrop: (item: T) => void = () => {}): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let running = false;
      let waiting: { item: T } | undefined;
      let sourceDone = false;
      let closed = false;

      const run = (item: T): void => {
        running = true;
        project(item).then(
          (result) => {
            if (closed) return;
            subscriber.next(result);
            next();
          },
          (err) => {
            if (!closed) subscriber.error(err);
          },
        );
      };
      const next = (): void => {
        running = false;
        if (waiting) {
          const { item } = waiting;
          waiting = undefined;
          run(item);
        } else if (sourceDone) {
          subscriber.complete();
        }
      };
      const subscription = source.subscribe({
        next: (item) => {
          if (!running) return run(item);
          if (waiting) onDrop(waiting.item);
          waiting = { item };
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (!running && !waiting) subscriber.complete();
        },
      });
      return () => {
        closed = true;
        subscription.unsubscribe();
      };
    });
}

/**
 * concatMap with a bounded queue: results keep the source order, one call runs at a time,
 * and when more than `maxWaiting` items wait the oldest waiting one is dropped (`onDrop`).
 */
export function boundedConcatMap<T, R>(
  project: (item: T) => Promise<R>,
  maxWaiting: number,
  onDrop: (item: T) => void = () => {},
): OperatorFunction<T, R> {
  return oneCallAtATime(
    (queue, item, running) => {
      queue.push(item);
      while (queue.length > maxWaiting + (running ? 0 : 1)) onDrop(queue.shift()!);
    },
    (queue) => queue.shift()!,
    project,
  );
}
