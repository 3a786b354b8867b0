/**
 * The drawing thread: every live frame's boxes and labels, in plain TypeScript on the frame's
 * shared buffer (overlay-painter.ts), beside the vision thread rather than queued behind its
 * inference calls. No OpenCV here: the binding works in one thread per process (the vision
 * thread's). Frames with privacy regions are drawn there instead (blurs need OpenCV).
 */
import { collectSharedFramesEvery } from '../../common/collect-shared-frames';
import { serveWorkerApi } from '../../common/worker-rpc';
import { LabelRasterizer } from './label-rasterizer';
import { OverlayPainter } from './overlay-painter';
import type { DrawingApi } from './render.protocol';

// Silent: when fonts are missing the vision thread draws instead and its painter says why.
const rasterizer = LabelRasterizer.create(() => undefined);
const painter = rasterizer ? new OverlayPainter(rasterizer) : null;

const api: DrawingApi = {
  async canDraw() {
    return painter !== null;
  },
  async draw(frame, canvas, overlay) {
    if (!painter) throw new Error('no font rasteriser in the drawing thread');
    const expected = frame.width * frame.height * 3;
    if (frame.data.byteLength !== expected) throw new Error(`frame has ${frame.data.byteLength} bytes, expected ${expected}`);
    if (canvas.data.byteLength !== expected) throw new Error(`canvas has ${canvas.data.byteLength} bytes, expected ${expected}`);
    const started = performance.now();
    // The copy here, not on the main thread: 2.7 MB per 720p frame.
    canvas.data.set(frame.data);
    painter.paint(canvas, overlay);
    return { drawMs: performance.now() - started };
  },
};

serveWorkerApi(api);
// Frames come in shared memory and this thread allocates little: let their wrappers go promptly.
collectSharedFramesEvery(200);
