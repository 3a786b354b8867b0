import { resolve } from 'node:path';
import { startWorker, WorkerRpcClient } from '../../common/worker-rpc';
import type { BgrImage } from '../../recognition/face.types';
import type { OverlayItem } from '../overlay';
import type { RenderApi, RenderResult } from './render.protocol';

const WORKER_MODULE = resolve(__dirname, 'render.worker');

/** Main-thread boundary of the render worker (draw + JPEG encode). Restarts it if it dies. */
export class RenderClient {
  private rpc?: WorkerRpcClient<RenderApi>;

  constructor(private readonly jpegQuality: number) {}

  get alive(): boolean {
    return !!this.rpc?.alive;
  }

  async render(image: BgrImage, overlay: OverlayItem[]): Promise<RenderResult & { jpeg: Buffer }> {
    if (!this.rpc?.alive) this.rpc = new WorkerRpcClient<RenderApi>(startWorker(WORKER_MODULE, { name: 'render' }));
    const result = await this.rpc.call('render', [image, overlay, this.jpegQuality]);
    return { ...result, jpeg: Buffer.from(result.jpeg.buffer, result.jpeg.byteOffset, result.jpeg.byteLength) };
  }

  async stop(): Promise<void> {
    await this.rpc?.terminate();
    this.rpc = undefined;
  }
}
