import { Subject } from 'rxjs';
import { batchWhileBusy } from '../../src/common/batch-while-busy';
import { EmbeddingBatcher } from '../../src/recognition/inference/embedding-batcher';
import type { EmbedOutcome, EmbedRequest } from '../../src/recognition/inference/inference.protocol';
import type { DetectedFace } from '../../src/recognition/face.types';

/** A call that finishes when the test says so. */
function controllable<T>() {
  const calls: Array<{ batch: T[]; finish: () => void; fail: (err: Error) => void }> = [];
  const project = (batch: T[]) =>
    new Promise<number>((resolve, reject) => calls.push({ batch, finish: () => resolve(batch.length), fail: reject }));
  return { calls, project };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('batchWhileBusy', () => {
  it('sends an item at once when idle, and what arrives meanwhile as one batch', async () => {
    const { calls, project } = controllable<number>();
    const source = new Subject<number>();
    const results: number[] = [];
    source.pipe(batchWhileBusy(project, { maxWeight: 10, weight: () => 1 })).subscribe((r) => results.push(r));
    source.next(1);
    expect(calls.map((c) => c.batch)).toEqual([[1]]);
    source.next(2);
    source.next(3);
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await flush();
    expect(calls.map((c) => c.batch)).toEqual([[1], [2, 3]]);
    calls[1].finish();
    await flush();
    expect(results).toEqual([1, 2]);
  });

  it('caps a batch by weight, oldest first; an item heavier than the cap goes alone', async () => {
    const { calls, project } = controllable<number>();
    const source = new Subject<number>();
    source.pipe(batchWhileBusy(project, { maxWeight: 5, weight: (n) => n })).subscribe();
    source.next(1);
    for (const n of [2, 3, 1, 9, 2]) source.next(n);
    for (let i = 0; i < 4; i++) {
      calls[i].finish();
      await flush();
    }
    expect(calls.map((c) => c.batch)).toEqual([[1], [2, 3], [1], [9], [2]]);
  });

  it('completes after the last batch when the source completes', async () => {
    const { calls, project } = controllable<number>();
    const source = new Subject<number>();
    let completed = false;
    source.pipe(batchWhileBusy(project, { maxWeight: 5, weight: () => 1 })).subscribe({ complete: () => (completed = true) });
    source.next(1);
    source.next(2);
    source.complete();
    calls[0].finish();
    await flush();
    expect(completed).toBe(false);
    calls[1].finish();
    await flush();
    expect(completed).toBe(true);
  });
});

describe('EmbeddingBatcher', () => {
  const face = (x: number): DetectedFace => ({ box: { x, y: 0, width: 10, height: 10 }, landmarks: [], score: 1 });
  const key = (stream: string) => ({ stream, index: 1 });

  it('answers each camera with its own embeddings, and counts calls, requests and faces', async () => {
    const seen: EmbedRequest[][] = [];
    const batcher = new EmbeddingBatcher(async (requests) => {
      seen.push(requests);
      return requests.map((r) => ({ embeddings: r.faces.map((f) => Float32Array.of(f.box.x)), embedMs: r.faces.length }));
    });
    const [a, b, c] = await Promise.all([batcher.embed(key('a'), [face(1)]), batcher.embed(key('b'), [face(2), face(3)]), batcher.embed(key('c'), [face(4)])]);
    expect(a.embeddings.map((e) => e[0])).toEqual([1]);
    expect(b.embeddings.map((e) => e[0])).toEqual([2, 3]);
    expect(c.embeddings.map((e) => e[0])).toEqual([4]);
    expect(seen.map((batch) => batch.map((r) => r.key.stream))).toEqual([['a'], ['b', 'c']]);
    expect(batcher.stats).toEqual({ calls: 2, requests: 3, faces: 4 });
  });

  it('fails only the request the engine refused, and a whole batch when the call fails', async () => {
    let failCall = false;
    const batcher = new EmbeddingBatcher(async (requests): Promise<EmbedOutcome[]> => {
      if (failCall) throw new Error('vision thread gone');
      return requests.map((r) => (r.key.stream === 'gone' ? { error: 'frame 1 of gone is no longer held', code: 'FRAME_GONE' } : { embeddings: [], embedMs: 0 }));
    });
    const settled = await Promise.allSettled([batcher.embed(key('a'), []), batcher.embed(key('gone'), []), batcher.embed(key('b'), [])]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'FRAME_GONE', message: expect.stringContaining('no longer held') });
    failCall = true;
    const failed = await Promise.allSettled([batcher.embed(key('a'), []), batcher.embed(key('b'), [])]);
    expect(failed.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    // And it keeps working afterwards.
    failCall = false;
    await expect(batcher.embed(key('a'), [])).resolves.toEqual({ embeddings: [], embedMs: 0 });
  });
});
