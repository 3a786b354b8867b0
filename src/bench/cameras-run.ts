/**
 * The server part of `npm run bench -- cameras`, both sides:
 *
 * - parent (`runCamerasServer`, called by cameras.ts): forks this file with the cameras in
 *   CAMERAS, measures the CPU of the child's whole process tree and its peak RSS over the run,
 *   and with `viewers` reads each camera's MJPEG stream like a browser would.
 * - child (this file run as a script): the real application with all the cameras in one
 *   process; records each camera's output and sends it back when every file has ended or
 *   `seconds` have passed.
 *
 * With `staggerMs`, only the first camera starts with the application and each other one is
 * enabled that long after the previous (as cameras come up in a real building, and so the
 * start-up bursts do not coincide); the clock (CPU, wall time) runs from the moment every camera
 * delivers frames until the first file ends, so it measures all of them running together.
 * Glue against the camera registry (CameraRegistry.pipelines(), CameraPipeline): adjust here
 * when they change. Only types are imported statically: the parent never loads the application.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import type { RecognitionEvent } from '../stream/stream.types';
import type { EmbeddingBatchStats } from '../recognition/inference/embedding-batcher';
import type { RecognizedFace } from '../recognition/recognition.service';
import type { CameraRunResult } from './cameras-report';
import { MjpegClient } from './mjpeg-client';
import { treeCpuSeconds, treeMemoryMb } from './proc-stats';
import type { FramePrediction } from './scoring';

export interface CamerasServerOptions {
  cameras: Array<{ name: string; source: string }>;
  faces: string;
  /** Stop after this many seconds even if the files have not ended. */
  seconds?: number;
  viewers: boolean;
  /** Enable the cameras this far apart (ms); 0: all at once. */
  staggerMs?: number;
  /** Loop the files (a soak: give `seconds`). */
  loop?: boolean;
  log?: (line: string) => void;
}

export interface CamerasServerResult {
  cameras: CameraRunResult[];
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Peak PSS of the tree: shared pages (the libraries of every FFmpeg) counted once. */
  peakPssMb: number;
  /**
   * Every 10 s of the measured window (MB): RSS of the whole tree, and the server's V8 heap and
   * array buffers (frames are shared array buffers) as it last reported them: flat, or growing?
   */
  rssTimeline: Array<{ seconds: number; mb: number; pssMb?: number; heapMb?: number; arrayBuffersMb?: number }>;
  /** Per camera, the frame rate its MJPEG viewer received (with `viewers`). */
  viewerFps: Record<string, number>;
  /** Embedding calls for how many cameras' requests (batched across cameras). */
  embedding: EmbeddingBatchStats;
}

/**
 * ready: the application listens (viewers connect); clock start: the first camera frame arrived;
 * clock stop: every file has ended (or `seconds` have passed); result: what each camera did.
 */
type ChildMessage =
  | { type: 'ready'; port: number; cameras: string[] }
  | { type: 'camera'; name: string }
  | { type: 'memory'; heapMb: number; arrayBuffersMb: number }
  | { type: 'clock'; at: 'start' | 'stop' }
  | { type: 'result'; cameras: CameraRunResult[]; embedding: EmbeddingBatchStats };

export async function runCamerasServer(options: CamerasServerOptions): Promise<CamerasServerResult> {
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'face-stream-cameras-'));
  const child = fork(join(__dirname, 'cameras-run.js'), [], {
    env: {
      ...process.env,
      // The benchmark's viewers read without a key (access is not what it measures).
      PUBLIC_READS: 'true',
      CAMERAS: JSON.stringify(options.cameras.map((c, i) => ({ name: c.name, source: c.source, enabled: i === 0 || !options.staggerMs, loop: options.loop ?? false, pace: true }))),
      CAMERAS_BENCH_STAGGER_MS: String(options.staggerMs ?? 0),
      DATA_DIR: dataDir,
      FACES_DIR: options.faces,
      PORT: '0',
      HOST: '127.0.0.1',
      CAMERAS_BENCH_SECONDS: String(options.seconds ?? 0),
      CAMERAS_BENCH_VIEWERS: options.viewers ? '1' : '0',
    },
    // The server's logs go to stderr, so --json output stays clean.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout!.pipe(process.stderr);
  const pid = child.pid!;
  const clients = new Map<string, MjpegClient>();
  let started = 0;
  let cpuStart = 0;
  let stopped: { wallSeconds: number; cpuSeconds: number; viewerFps: Record<string, number> } | undefined;
  let peakRss = 0;
  let peakPss = 0;
  const samplePeaks = () => {
    const memory = treeMemoryMb(pid);
    peakRss = Math.max(peakRss, memory.rss);
    peakPss = Math.max(peakPss, memory.pss);
    return memory;
  };
  const rssTimeline: CamerasServerResult['rssTimeline'] = [];
  let serverMemory: { heapMb?: number; arrayBuffersMb?: number } = {};
  const sampler = setInterval(() => {
    const memory = samplePeaks();
    const seconds = started && !stopped ? (performance.now() - started) / 1000 : -1;
    if (seconds >= 0 && seconds >= (rssTimeline.at(-1)?.seconds ?? -10) + 10) rssTimeline.push({ seconds: Math.round(seconds), mb: Math.round(memory.rss), pssMb: Math.round(memory.pss), ...serverMemory });
  }, 500);
  try {
    return await new Promise<CamerasServerResult>((done, fail) => {
      let port = 0;
      const watch = (name: string) => {
        if (options.viewers) clients.set(name, new MjpegClient(`http://127.0.0.1:${port}/cameras/${name}/stream`));
      };
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          port = message.port;
          log(`server ready on port ${message.port} with ${message.cameras.join(', ')}`);
          message.cameras.forEach(watch);
        } else if (message.type === 'memory') {
          serverMemory = { heapMb: message.heapMb, arrayBuffersMb: message.arrayBuffersMb };
        } else if (message.type === 'camera') {
          log(`${message.name} enabled`);
          watch(message.name);
        } else if (message.type === 'clock' && message.at === 'start') {
          started = performance.now();
          cpuStart = treeCpuSeconds(pid);
        } else if (message.type === 'clock') {
          const viewerFps: Record<string, number> = {};
          for (const [name, c] of clients) {
            viewerFps[name] = c.parts > 1 ? (c.parts - 1) / Math.max(1e-3, (c.lastPartAt - c.firstPartAt) / 1000) : 0;
            if (c.error) log(`viewer of ${name}: ${c.error}`);
          }
          stopped = { wallSeconds: (performance.now() - started) / 1000, cpuSeconds: treeCpuSeconds(pid) - cpuStart, viewerFps };
          samplePeaks();
        } else if (!stopped) {
          fail(new Error('the cameras run reported before stopping its clock'));
        } else {
          done({ cameras: message.cameras, embedding: message.embedding, ...stopped, peakRssMb: peakRss, peakPssMb: peakPss, rssTimeline });
        }
      });
      child.on('exit', (code) => fail(new Error(`cameras run exited (${code}) before reporting`)));
    });
  } finally {
    clearInterval(sampler);
    for (const c of clients.values()) c.close();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- the child: the application with every camera ----

type Face = Pick<RecognizedFace, 'name' | 'box' | 'similarity'>;

function prediction(frame: number, faces: Face[]): FramePrediction {
  return {
    frame,
    faces: faces.map((face) => ({
      name: face.name,
      box: [face.box.x, face.box.y, face.box.width, face.box.height].map((v) => Math.round(v)) as [number, number, number, number],
      similarity: Math.round(face.similarity * 1000) / 1000,
    })),
  };
}

function record(pipeline: CameraPipeline, video: string, viewers: boolean): { result: (clockStop: number) => CameraRunResult; done: () => boolean } {
  const run: CameraRunResult = { name: pipeline.name, video, inputSeconds: 0, framesIn: 0, framesOut: 0, framesSkippedAtCapture: 0, firstCaptureAt: Infinity, lastOutputAt: 0, latenciesMs: [], facesDetected: 0, predictions: [] };
  let completed = false;
  let endedAt: number | undefined;
  // This camera's own start (cameras may be enabled one after another): its first frame in.
  let firstInAt: number | undefined;
  const firstIn = pipeline.capture.frames$.subscribe(() => {
    firstInAt = performance.now();
    firstIn.unsubscribe();
  });
  const onOutput = (capturedAt: number, outputAt: number, p: FramePrediction) => {
    run.framesOut++;
    run.firstCaptureAt = Math.min(run.firstCaptureAt, capturedAt);
    run.lastOutputAt = Math.max(run.lastOutputAt, outputAt);
    run.latenciesMs.push(outputAt - capturedAt);
    run.predictions.push(p);
  };
  const complete = () => (completed = true);
  if (viewers) {
    // Drawn frames (the viewers' own subscriptions share them: each frame is encoded once).
    pipeline.frames$.subscribe({ next: (f) => !f.offline && onOutput(f.capturedAt, f.encodedAt, prediction(f.position, f.faces)), complete });
  } else {
    // Recognition only: nothing subscribes to the drawn frames, so none is drawn or encoded.
    pipeline.recognitions$.subscribe({
      next: (e) => {
        // Recognitions carry the pipeline's frame index, not the source position: the same while no frame is skipped at capture.
        const position = (e as RecognitionEvent & { position?: number }).position;
        if (position === undefined) run.framesNumberedByIndex = true;
        onOutput(e.capturedAt, e.recognizedAt, prediction(position ?? e.frameIndex, e.faces));
      },
      complete,
    });
  }
  return {
    // A file that ended (its capture, or the whole stream).
    done: () => {
      const ended = completed || pipeline.captureStatus().state === 'ended';
      if (ended) endedAt ??= performance.now();
      return ended;
    },
    result: (clockStop) => {
      const clockStart = firstInAt ?? clockStop;
      const status = pipeline.captureStatus();
      return {
        ...run,
        framesIn: status.framesCaptured + status.framesSkipped,
        framesSkippedAtCapture: status.framesSkipped,
        inputSeconds: ((endedAt ?? clockStop) - clockStart) / 1000,
        facesDetected: pipeline.stats.facesDetected,
        detections: { ...pipeline.stats.detections },
      };
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function childMain(): Promise<void> {
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../app.module');
  const { CameraRegistry } = await import('../cameras/camera-registry.service');
  const { RecognitionService } = await import('../recognition/recognition.service');
  const definitions = JSON.parse(process.env.CAMERAS ?? '[]') as Array<{ name: string; source: string }>;
  const seconds = Number(process.env.CAMERAS_BENCH_SECONDS) || 0;
  const staggerMs = Number(process.env.CAMERAS_BENCH_STAGGER_MS) || 0;
  const viewers = process.env.CAMERAS_BENCH_VIEWERS === '1';
  // Open MJPEG connections must not hold app.close().
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], forceCloseConnections: true });
  const registry = app.get(CameraRegistry);
  const recorders = new Map<string, ReturnType<typeof record>>();
  const subscribeAll = () => {
    for (const p of registry.pipelines()) if (!recorders.has(p.name)) recorders.set(p.name, record(p, definitions.find((d) => d.name === p.name)?.source ?? '', viewers));
  };
  // The registry starts every camera when the application boots (inside listen); their capture
  // processes take longer to open the files than listen takes to return.
  await app.listen(0, '127.0.0.1');
  subscribeAll();
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ type: 'ready', port, cameras: [...recorders.keys()] });
  for (const later of staggerMs ? definitions.slice(1) : []) {
    await sleep(staggerMs);
    await registry.update(later.name, { enabled: true });
    subscribeAll();
    process.send?.({ type: 'camera', name: later.name });
  }
  const pipelines = registry.pipelines();
  const waitSince = performance.now();
  while (!pipelines.every((p) => p.captureStatus().framesCaptured > 0) && performance.now() - waitSince < 120_000) await sleep(20);
  process.send?.({ type: 'clock', at: 'start' });
  const started = performance.now();
  const reportMemory = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    process.send?.({ type: 'memory', heapMb: Math.round(heapUsed / 2 ** 20), arrayBuffersMb: Math.round(arrayBuffers / 2 ** 20) });
  };
  const memoryTimer = setInterval(reportMemory, 5000);
  // Safety net when --seconds is not given: files that never end.
  const limitMs = (seconds || 3600) * 1000;
  const runs = [...recorders.values()];
  const allEnded = () => runs.every((r) => r.done());
  // The clock covers all cameras running together: it stops when the first file ends.
  while (performance.now() - started < limitMs && !runs.some((r) => r.done())) await sleep(100);
  const stoppedAt = performance.now();
  process.send?.({ type: 'clock', at: 'stop' });
  // Every camera's frames are still scored to the end of its file.
  while (performance.now() - started < limitMs && !allEnded()) await sleep(100);
  // The frames still in the pipeline when the files ended (outside the clock, like the filling at the start).
  if (allEnded()) await sleep(1000);
  clearInterval(memoryTimer);
  const cameras = runs.map((r) => r.result(stoppedAt));
  const embedding = app.get(RecognitionService).embeddingBatches;
  await new Promise<void>((r) => process.send!({ type: 'result', cameras, embedding }, () => r()));
  await app.close();
  process.exit(0);
}

if (require.main === module) {
  childMain().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
