/**
 * The vision thread: the one thread of the server process that loads OpenCV (see
 * vision-thread.ts). It runs the default engine (YuNet needs OpenCV's DNN), decodes photos,
 * and draws and encodes every stream frame.
 */
import { collectSharedFramesEvery } from '../common/collect-shared-frames';
import { serveWorkerApi } from '../common/worker-rpc';
import { DRAWING_PATH_ENGINE_CALLS, engineHandlers } from '../recognition/inference/engine.handlers';
import { photoHandlers } from '../recognition/inference/photo.handlers';
import { renderHandlers, renderTransferables } from '../stream/render/render.handlers';
import type { VisionApi } from './vision.protocol';

const api: VisionApi = { ...engineHandlers, ...photoHandlers, ...renderHandlers };
// Drawing has its own lane: a frame is drawn while inference awaits (onnxruntime runs off this
// thread) instead of waiting for a whole recognition to finish. The quick check that tracked
// faces are still there belongs to drawing a frame, so it shares that lane.
const drawingPath = (method: string) => method in renderHandlers || DRAWING_PATH_ENGINE_CALLS.has(method);
serveWorkerApi(api, renderTransferables, (method) => (drawingPath(method) ? 'render' : 'inference'));
// Frames come in shared memory: release the ones this thread is done with promptly.
collectSharedFramesEvery(200);

// Pay OpenCV's first-use costs now, not on the first frames. Without a label: labels are the
// drawing thread's, and this thread loads its font rasteriser only if a privacy blur needs it.
void renderHandlers
  .draw({ width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3) }, [], [{ x: 10, y: 40, width: 50, height: 50 }])
  .catch(() => undefined);
