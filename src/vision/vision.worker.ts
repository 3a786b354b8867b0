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
