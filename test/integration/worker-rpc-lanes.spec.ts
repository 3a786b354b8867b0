import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { WorkerRpcClient } from '../../src/common/worker-rpc';

/**
 * The vision thread's lanes: a call sent to a quiet lane while another lane has a backlog runs
 * after the call in progress, not after the whole backlog (four cameras' drawing starved their
 * recognition before each call started on a macrotask).
 */
describe('worker lanes', () => {
  it('serves a call on a quiet lane between the calls of a busy one', async () => {
    const worker = new Worker(join(__dirname, '..', 'support', 'workers', 'two-lanes.worker.js'));
    const rpc = new WorkerRpcClient<Record<string, (...args: any[]) => Promise<any>>>(worker);
    try {
      const draws = Array.from({ length: 20 }, (_, n) => rpc.call('draw', [n]));
      // Sent once the worker is busy with the drawing backlog.
      await new Promise((r) => setTimeout(r, 20));
      await rpc.call('detect', []);
      await Promise.all(draws);
      const order: string[] = await rpc.call('order', []);
      const at = order.indexOf('detect');
      expect(at).toBeGreaterThan(0);
      // Served within a few draws of arriving (each 5 ms), long before the backlog of 20 ran out.
      expect(at).toBeLessThan(15);
    } finally {
      await rpc.terminate();
    }
  });
});
