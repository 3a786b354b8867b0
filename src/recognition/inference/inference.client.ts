import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { startWorker, WorkerRpcClient } from '../../common/worker-rpc';
import type { BgrImage, EmbeddedFace } from '../face.types';
import type { EngineInfo, InferenceApi, InferenceOptions, PhotoAnalysis } from './inference.protocol';

const WORKER_MODULE = resolve(__dirname, 'inference.worker');

/**
 * Main-thread boundary of the inference worker: the models load and run in that thread,
 * so detection and embedding never block HTTP serving. A dead worker is restarted on the
 * next call.
 */
export class InferenceClient {
  private readonly logger = new Logger(InferenceClient.name);
  private rpc?: WorkerRpcClient<InferenceApi>;
  private starting?: Promise<EngineInfo>;
  private info?: EngineInfo;
  restarts = 0;

  constructor(private readonly options: InferenceOptions) {}

  get engineInfo(): EngineInfo {
    if (!this.info) throw new Error('inference engine not started');
    return this.info;
  }

  get alive(): boolean {
    return !!this.rpc?.alive;
  }

  /** Loads the engine in a fresh worker (idempotent). */
  start(): Promise<EngineInfo> {
    if (this.rpc?.alive && this.info) return Promise.resolve(this.info);
    if (this.starting) return this.starting;
    const rpc = new WorkerRpcClient<InferenceApi>(startWorker(WORKER_MODULE, { name: 'inference' }));
    this.starting = rpc
      .call('init', [this.options])
      .then((info) => {
        this.rpc = rpc;
        this.info = info;
        return info;
      })
      .catch(async (err) => {
        await rpc.terminate();
        throw err;
      })
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  async analyzeFrame(image: BgrImage): Promise<EmbeddedFace[]> {
    return (await this.ready()).call('analyzeFrame', [image]);
  }

  async analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis> {
    return (await this.ready()).call('analyzePhoto', [encoded]);
  }

  async stop(): Promise<void> {
    await this.rpc?.terminate();
    this.rpc = undefined;
  }

  private async ready(): Promise<WorkerRpcClient<InferenceApi>> {
    if (this.rpc?.alive) return this.rpc;
    if (this.rpc) {
      this.restarts++;
      this.logger.warn('inference worker died; restarting it');
    }
    await this.start();
    return this.rpc!;
  }
}
