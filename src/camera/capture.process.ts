/**
 * Capture process: opens the camera source with OpenCV and streams raw BGR frames to the
 * server. A separate process, not a thread: a source that hangs inside FFmpeg can be killed
 * outright, a native crash cannot take the server down, and the server's one OpenCV thread
 * (the vision worker) stays free for inference and drawing.
 */
import { once } from 'node:events';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { cv, Mat } from '../common/opencv';
import { describeError } from '../common/worker-rpc';
import type { CaptureCommand, CaptureReport, CaptureSettings } from './capture.protocol';
import { FRAME_PIPE_FD } from './capture.protocol';
import { encodeFrameHeader } from './frame-wire';

const settings = JSON.parse(process.argv[2]) as CaptureSettings;
const framePipe = new Socket({ fd: FRAME_PIPE_FD, readable: false, writable: true });
let stopping = false;
let credits = settings.maxInFlight;
let creditArrived: (() => void) | undefined;

process.on('message', (command: CaptureCommand) => {
  if (command.type === 'stop') stopping = true;
  if (command.type === 'credit') credits++;
  creditArrived?.();
});
// The server went away: nothing left to capture for.
process.on('disconnect', () => process.exit(0));
framePipe.on('error', () => process.exit(0));

function report(message: CaptureReport): void {
  process.send?.(message);
}

function open(): InstanceType<typeof cv.VideoCapture> {
  const { source } = settings;
  if (source.kind === 'device') return new cv.VideoCapture(source.index);
  // FFmpeg explicitly: CAP_ANY on a URL tries GStreamer first and floods stderr.
  return new cv.VideoCapture(source.kind === 'file' ? source.path : source.url, cv.CAP_FFMPEG);
}

function waitForCredit(): Promise<void> {
  return new Promise<void>((resolve) => (creditArrived = resolve)).then(() => (creditArrived = undefined));
}

async function run(): Promise<void> {
  const capture = open();
  const isFile = settings.source.kind === 'file';
  const reportedFps = capture.get(cv.CAP_PROP_FPS);
  const fps = Number.isFinite(reportedFps) && reportedFps > 0 && reportedFps < 240 ? reportedFps : 25;
  report({
    type: 'opened',
    width: capture.get(cv.CAP_PROP_FRAME_WIDTH),
    height: capture.get(cv.CAP_PROP_FRAME_HEIGHT),
    fps,
    frameCount: Math.max(0, Math.round(capture.get(cv.CAP_PROP_FRAME_COUNT) || 0)),
  });
  const pace = isFile && settings.paced;
  const batch = isFile && !settings.paced;
  const interval = 1000 / fps;
  let position = 0;
  let skipped = 0;
  let emptyReads = 0;
  let readErrors = 0;
  let corrupt = 0;
  let next = performance.now();
  try {
    while (!stopping) {
      if (batch) {
        while (!stopping && credits <= 0) await waitForCredit();
      } else if (pace) {
        const wait = next - performance.now();
        // Fell far behind (machine stalled): resynchronise instead of bursting.
        if (wait < -interval * 5) next = performance.now();
        else if (wait > 0) await sleep(wait);
        next += interval;
      } else {
        await sleep(0); // let commands in between blocking reads
      }
      if (stopping) break;
      const readStarted = performance.now();
      let mat: Mat | undefined;
      try {
        mat = capture.read();
      } catch (err) {
        // A decoder that throws on one bad frame: skip it like an empty read, unless it persists.
        if (++readErrors >= 25) throw err;
      }
      const readMs = performance.now() - readStarted;
      if (!mat || mat.empty) {
        mat?.release();
        if (mat && isFile && settings.loop && position > 0) {
          capture.reset();
          position = 0;
          continue;
        }
        // Live streams can hiccup (a corrupt frame reads as empty, the next one is fine): give
        // them a few tries before calling it an end.
        if ((!isFile || readErrors > 0) && ++emptyReads < 25) {
          await sleep(20);
          continue;
        }
        report({ type: 'ended' });
        return;
      }
      // The unreadable frames before this good one were corrupt data, skipped: count them.
      corrupt += emptyReads;
      emptyReads = 0;
      readErrors = 0;
      const capturedAt = performance.timeOrigin + performance.now();
      if (credits <= 0) {
        mat.release();
        skipped++;
        position++;
        continue;
      }
      const { cols: width, rows: height } = mat;
      let data: Buffer;
      try {
        data = mat.getData();
      } finally {
        mat.release();
      }
      credits--;
      framePipe.write(encodeFrameHeader({ position, capturedAt, readMs, skipped, corrupt, width, height }));
      // A frame is many times the pipe's 64 KB buffer, and the next read() blocks this thread:
      // let the frame reach the server before reading on, or it trickles out one loop turn per
      // read and arrives late (a live source then skipped every other frame for lack of credit).
      if (!framePipe.write(data)) await once(framePipe, 'drain');
      skipped = 0;
      corrupt = 0;
      position++;
    }
  } finally {
    capture.release();
  }
}

run()
  .catch((err) => report({ type: 'error', message: describeError(err) }))
  .finally(() => framePipe.end(() => process.disconnect?.()));
