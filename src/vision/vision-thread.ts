import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { startWorker, WorkerRpcClient } from '../common/worker-rpc';
import type { VisionApi } from './vision.protocol';

const VISION_MODULE = resolve(__dirname, 'vision.worker');

/**
 * The one thread per process that owns OpenCV. The binding keeps its classes in
 * process-wide statics bound to a single V8 isolate: a second thread loading it gets broken
 * objects, and loading it again after that thread exits aborts the process. So the thread is
 * started once, shared by every module (and by successive app instances in one process, as
 * in tests), and never restarted.
 */
export class VisionThread {
  private static instance?: VisionThread;
  private readonly logger = new Logger(VisionThread.name);
  private readonly rpc: WorkerRpcClient<VisionApi>;

  static shared(): VisionThread {
    return (this.instance ??= new VisionThread());
  }

  private constructor() {
    const worker = startWorker(VISION_MODULE, { name: 'vision' });
    this.rpc = new WorkerRpcClient<VisionApi>(worker, { keepProcessAliveOnlyWhileBusy: true });
    worker.on('exit', (code) => this.logger.error(`vision thread exited (${code}); recognition and drawing are unavailable until restart`));
  }

  get alive(): boolean {
    return this.rpc.alive;
  }

  call<K extends keyof VisionApi & string>(method: K, args: Parameters<VisionApi[K]>): Promise<Awaited<ReturnType<VisionApi[K]>>> {
    return this.rpc.call(method, args);
  }
}
