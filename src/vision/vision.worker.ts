/**
 * The vision thread: the one thread of the server process that loads OpenCV (see
 * vision-thread.ts). It runs face inference for recognition and drawing + JPEG encoding
 * for the stream, one call at a time.
 */
import { serveWorkerApi } from '../common/worker-rpc';
import { inferenceHandlers } from '../recognition/inference/inference.handlers';
import { renderHandlers, renderTransferables } from '../stream/render/render.handlers';
import type { VisionApi } from './vision.protocol';

const api: VisionApi = { ...inferenceHandlers, ...renderHandlers };
serveWorkerApi(api, renderTransferables);

// Pay OpenCV's first-use costs (allocations, JPEG encoder set-up) now, not on the first frames.
void renderHandlers
  .render({ width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3) }, [{ box: { x: 10, y: 40, width: 50, height: 50 }, label: 'warm-up', known: true }], 80)
  .catch(() => undefined);
