import { Subject, toArray, firstValueFrom, of, filter } from 'rxjs';
import { boundedConcatMap, isEveryNth, latestWins } from '../../src/stream/backpressure';

/** A promise per call that the test resolves by hand, to play a slow inference engine. */
function manualWork<T>() {
  const calls: Array<{ item: T; resolve: () => void }> = [];
  const project = (item: T) => new Promise<T>((resolve) => calls.push({ item, resolve: () => resolve(item) }));
  return { calls, project };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('isEveryNth', () => {
  it('keeps every Nth frame index, starting with 0', async () => {
    const frames = [0, 1, 2, 3, 4, 5, 6].map((index) => ({ index }));
    const kept = await firstValueFrom(of(...frames).pipe(filter(isEveryNth(3)), toArray()));
    expect(kept.map((f) => f.index)).toEqual([0, 3, 6]);
  });
});

describe('latestWins', () => {
  it('runs one item at a time and lets only the newest waiting item through', async () => {
    const source = new Subject<number>();
    const { calls, project } = manualWork<number>();
    const dropped: number[] = [];
    const results: number[] = [];
    source.pipe(latestWins(project, (d) => dropped.push(d))).subscribe((r) => results.push(r));

    source.next(1); // runs
    source.next(2); // waits
    source.next(3); // replaces 2
    source.next(4); // replaces 3
    expect(calls.map((c) => c.item)).toEqual([1]);
    expect(dropped).toEqual([2, 3]);

    calls[0].resolve();
    await flush();
    expect(results).toEqual([1]);
    expect(calls.map((c) => c.item)).toEqual([1, 4]);
    calls[1].resolve();
    await flush();
    expect(results).toEqual([1, 4]);
  });

  it('completes after the running and waiting items finish', async () => {
    const source = new Subject<number>();
    const { calls, project } = manualWork<number>();
    let completed = false;
    source.pipe(latestWins(project)).subscribe({ complete: () => (completed = true) });
    source.next(1);
    source.next(2);
    source.complete();
    expect(completed).toBe(false);
    calls[0].resolve();
    await flush();
    calls[1].resolve();
    await flush();
    expect(completed).toBe(true);
  });
});

describe('boundedConcatMap', () => {
  it('keeps source order and drops the oldest waiting items beyond the bound', async () => {
    const source = new Subject<number>();
    const { calls, project } = manualWork<number>();
    const dropped: number[] = [];
    const results: number[] = [];
    source.pipe(boundedConcatMap(project, 2, (d) => dropped.push(d))).subscribe((r) => results.push(r));

    for (const n of [1, 2, 3, 4, 5]) source.next(n); // 1 runs, 2..5 wait, bound 2 keeps 4 and 5
    expect(dropped).toEqual([2, 3]);
    for (let i = 0; i < 3; i++) {
      calls[i].resolve();
      await flush();
    }
    expect(results).toEqual([1, 4, 5]);
  });

  it('never queues more than the bound, however many items arrive', async () => {
    const source = new Subject<number>();
    const { calls, project } = manualWork<number>();
    let dropped = 0;
    source.pipe(boundedConcatMap(project, 3, () => dropped++)).subscribe();
    for (let n = 0; n < 1000; n++) source.next(n);
    expect(calls.length).toBe(1);
    expect(dropped).toBe(1000 - 1 - 3);
  });
});
