import { resolve } from 'node:path';
import { startWorker, WorkerRpcClient } from '../../common/worker-rpc';
import type { BgrImage } from '../../recognition/face.types';
import type { OverlayItem } from '../overlay';
import type { DrawingApi, DrawResult } from './render.protocol';

const DRAWING_MODULE = resolve(__dirname, 'drawing.worker');

/** The main thread's handle on the drawing thread (drawing.worker.ts); one per RenderClient. */
export class DrawingThread {
  private readonly rpc = new WorkerRpcClient<DrawingApi>(startWorker(DRAWING_MODULE, { name: 'drawing' }), { keepProcessAliveOnlyWhileBusy: true });
  private usable?: Promise<boolean>;

  /** Running, with its font rasteriser. */
  async canDraw(): Promise<boolean> {
    if (!this.rpc.alive) return false;
    return (this.usable ??= this.rpc.call('canDraw', []).catch(() => false));
  }

  /** Copies `frame` into `canvas` (shared, same size) and draws the overlay on it. */
  draw(frame: BgrImage, canvas: BgrImage, overlay: OverlayItem[]): Promise<DrawResult> {
    return this.rpc.call('draw', [frame, canvas, overlay]);
  }

  terminate(): Promise<void> {
    return this.rpc.terminate();
  }
}
