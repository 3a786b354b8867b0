import { Observable, OperatorFunction } from 'rxjs';

/**
 * The core of the queueing operators (boundedConcatMap, batchWhileBusy): items wait in a queue,
 * one call runs at a time, its results go out in order, and the output completes after the last
 * call once the source has. `admit` puts an item in the queue (and may drop others: it is told
 * whether a call runs); `take` removes the next call's work from a non-empty queue.
 */
export function oneCallAtATime<T, W, R>(
  admit: (queue: T[], item: T, running: boolean) => void,
  take: (queue: T[]) => W,
  project: (work: W) => Promise<R>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const queue: T[] = [];
      let running = false;
      let sourceDone = false;
      let closed = false;

      const pump = (): void => {
        if (running || closed) return;
        if (queue.length === 0) {
          if (sourceDone) subscriber.complete();
          return;
        }
        running = true;
        project(take(queue)).then(
          (result) => {
            running = false;
            if (closed) return;
            subscriber.next(result);
            pump();
          },
          (err) => {
            if (!closed) subscriber.error(err);
          },
        );
      };
      const subscription = source.subscribe({
        next: (item) => {
          admit(queue, item, running);
          pump();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          pump();
        },
      });
      return () => {
        closed = true;
        subscription.unsubscribe();
      };
    });
}
