/**
 * Capture thread: opens the source with OpenCV and posts raw BGR frames to the main thread.
 * Opening and reading block only this thread, never HTTP serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { cv, Mat } from '../common/opencv';
import { describeError } from '../common/worker-rpc';
import type { CaptureMessage, CaptureWorkerData } from './capture.protocol';

const options = workerData as CaptureWorkerData;
const inFlight = new Int32Array(options.inFlight);
const port = parentPort!;
let stopping = false;
port.on('message', (msg) => {
  if (msg === 'stop') stopping = true;
});

function post(message: CaptureMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function open(): InstanceType<typeof cv.VideoCapture> {
  const { source } = options;
  if (source.kind === 'device') return new cv.VideoCapture(source.index);
  // FFmpeg explicitly: CAP_ANY on a URL tries GStreamer first and floods stderr.
  return new cv.VideoCapture(source.kind === 'file' ? source.path : source.url, cv.CAP_FFMPEG);
}

async function run(): Promise<void> {
  const capture = open();
  const isFile = options.source.kind === 'file';
  const reportedFps = capture.get(cv.CAP_PROP_FPS);
  const fps = Number.isFinite(reportedFps) && reportedFps > 0 && reportedFps < 240 ? reportedFps : 25;
  const frameCount = Math.max(0, Math.round(capture.get(cv.CAP_PROP_FRAME_COUNT) || 0));
  post({
    type: 'opened',
    width: capture.get(cv.CAP_PROP_FRAME_WIDTH),
    height: capture.get(cv.CAP_PROP_FRAME_HEIGHT),
    fps,
    frameCount,
  });
  const pace = isFile && options.paced;
  const interval = 1000 / fps;
  let position = 0;
  let skipped = 0;
  let emptyReads = 0;
  let next = performance.now();
  try {
    while (!stopping) {
      if (pace) {
        const wait = next - performance.now();
        // Fell far behind (machine stalled): resynchronise instead of bursting.
        if (wait < -interval * 5) next = performance.now();
        else if (wait > 0) await sleep(wait);
        next += interval;
      } else {
        await sleep(0); // let 'stop' messages in
      }
      if (stopping) break;
      const readStarted = performance.now();
      const mat: Mat = capture.read();
      const readMs = performance.now() - readStarted;
      if (mat.empty) {
        mat.release();
        if (isFile && options.loop && position > 0) {
          capture.reset();
          position = 0;
          continue;
        }
        // Live streams can hiccup: give them a few tries before calling it an end.
        if (!isFile && ++emptyReads < 25) {
          await sleep(20);
          continue;
        }
        post({ type: 'ended' });
        return;
      }
      emptyReads = 0;
      const capturedAt = performance.timeOrigin + performance.now();
      if (Atomics.load(inFlight, 0) >= options.maxInFlight) {
        mat.release();
        skipped++;
        position++;
        continue;
      }
      const { cols: width, rows: height } = mat;
      let data: Uint8Array;
      try {
        data = new Uint8Array(mat.getData()); // copy into a transferable buffer
      } finally {
        mat.release();
      }
      Atomics.add(inFlight, 0, 1);
      post({ type: 'frame', position, capturedAt, readMs, width, height, data, skipped }, [data.buffer as ArrayBuffer]);
      skipped = 0;
      position++;
    }
  } finally {
    capture.release();
  }
}

run().catch((err) => post({ type: 'error', message: describeError(err) }));
