import { isMainThread, parentPort, Worker, WorkerOptions } from 'node:worker_threads';
import { resolveEntryPoint } from './entry-point';

/** An error that crosses the worker boundary with a machine-readable code. */
export class WorkerCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'WorkerCallError';
  }
}

type Handler = (...args: any[]) => unknown;
export type RpcApi = Record<string, Handler>;

interface CallMessage {
  id: number;
  method: string;
  args: unknown[];
}
interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { message: string; code: string };
}

/** Starts a worker thread from a module path without extension (see resolveEntryPoint). */
export function startWorker(modulePathWithoutExt: string, options: WorkerOptions = {}): Worker {
  const entry = resolveEntryPoint(modulePathWithoutExt);
  return new Worker(entry.file, { ...options, execArgv: [...(options.execArgv ?? []), ...entry.execArgv] });
}

/**
 * Typed request/response over a worker thread. Calls fail fast with code WORKER_EXITED
 * when the worker dies, so callers never wait forever.
 */
export class WorkerRpcClient<Api extends RpcApi> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  constructor(
    readonly worker: Worker,
    private readonly options: { keepProcessAliveOnlyWhileBusy?: boolean } = {},
  ) {
    // An idle shared worker must not keep a finished script (CLI, benchmark) running.
    if (options.keepProcessAliveOnlyWhileBusy) worker.unref();
    worker.on('message', (msg: ReplyMessage) => this.settle(msg));
    worker.on('error', (err) => this.failAll(new WorkerCallError(`worker crashed: ${describeError(err)}`, 'WORKER_CRASHED')));
    worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new WorkerCallError(`worker exited with code ${code}`, 'WORKER_EXITED'));
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  call<K extends keyof Api & string>(
    method: K,
    args: Parameters<Api[K]>,
    transfer: Transferable[] = [],
  ): Promise<Awaited<ReturnType<Api[K]>>> {
    if (this.exited) return Promise.reject(new WorkerCallError('worker is not running', 'WORKER_EXITED'));
    const id = this.nextId++;
    if (this.options.keepProcessAliveOnlyWhileBusy && this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const message: CallMessage = { id, method, args };
      this.worker.postMessage(message, transfer as any);
    });
  }

  async terminate(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
  }

  private settle(msg: ReplyMessage): void {
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    if (this.options.keepProcessAliveOnlyWhileBusy && this.pending.size === 0) this.worker.unref();
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new WorkerCallError(msg.error?.message ?? 'unknown worker error', msg.error?.code ?? 'WORKER_ERROR'));
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/**
 * Worker side: answers calls from the parent with the given handlers. Calls in the same lane
 * run one at a time (native engines are not re-entrant); calls in different lanes interleave
 * wherever a handler awaits, so quick work is not stuck behind slow work. Each call starts on a
 * macrotask: a lane with calls queued would otherwise run them back to back as microtasks, and
 * the messages carrying other lanes' calls would wait until it ran dry (drawing four cameras'
 * frames starved their recognition that way).
 */
export function serveWorkerApi(
  api: RpcApi,
  transferOf: (result: unknown) => Transferable[] = () => [],
  laneOf: (method: string) => string = () => 'default',
): void {
  if (isMainThread || !parentPort) throw new Error('serveWorkerApi must run inside a worker thread');
  const port = parentPort;
  const lanes = new Map<string, Promise<void>>();
  port.on('message', (msg: CallMessage) => {
    const lane = laneOf(msg.method);
    const queue = lanes.get(lane) ?? Promise.resolve();
    const next = queue.then(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      let reply: ReplyMessage;
      let transfer: Transferable[] = [];
      try {
        const handler = api[msg.method];
        if (!handler) throw new WorkerCallError(`unknown method ${msg.method}`, 'UNKNOWN_METHOD');
        const result = await handler(...msg.args);
        reply = { id: msg.id, ok: true, result };
        transfer = transferOf(result);
      } catch (err) {
        reply = {
          id: msg.id,
          ok: false,
          error: { message: describeError(err), code: err instanceof WorkerCallError ? err.code : 'WORKER_ERROR' },
        };
      }
      port.postMessage(reply, transfer as any);
    });
    lanes.set(lane, next);
  });
}

/** OpenCV throws plain strings; normalise anything thrown into a message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
