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
 * All cameras start at once (the CAMERAS list, read when the application starts); starting
 * them a second apart would spread the start-up bursts but is not done yet.
 * Glue against the camera registry of the multi-camera refactor: adjust here when it changes.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { CameraRunResult } from './cameras-report';
import { MjpegClient } from './mjpeg-client';
import { childPids, cpuSecondsOfTree, rssMb } from './proc-stats';
import type { FramePrediction } from './scoring';

export interface CamerasServerOptions {
  cameras: Array<{ name: string; source: string }>;
  faces: string;
  /** Stop after this many seconds even if the files have not ended. */
  seconds?: number;
  viewers: boolean;
  log?: (line: string) => void;
}

export interface CamerasServerResult {
  cameras: CameraRunResult[];
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Per camera, the frame rate its MJPEG viewer received (with `viewers`). */
  viewerFps: Record<string, number>;
}

type ChildMessage = { type: 'ready'; port: number; cameras: string[] } | { type: 'result'; cameras: CameraRunResult[] };

/** CPU seconds of the tree, plus what its root's finished children used (a capture process whose file ended). */
function treeCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return cpuSecondsOfTree(pid) + (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime
  } catch {
    return 0;
  }
}

function treeRssMb(pid: number): number {
  return rssMb(pid) + childPids(pid).reduce((sum, child) => sum + treeRssMb(child), 0);
}

export async function runCamerasServer(options: CamerasServerOptions): Promise<CamerasServerResult> {
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'face-stream-cameras-'));
  const child = fork(join(__dirname, 'cameras-run.js'), [], {
    env: {
      ...process.env,
      CAMERAS: JSON.stringify(options.cameras.map((c) => ({ name: c.name, source: c.source, enabled: true, loop: false, pace: true }))),
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
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssMb(pid))), 500);
  try {
    return await new Promise<CamerasServerResult>((done, fail) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          started = performance.now();
          cpuStart = treeCpuSeconds(pid);
          log(`server ready on port ${message.port} with ${message.cameras.join(', ')}`);
          if (options.viewers) {
            for (const name of message.cameras) clients.set(name, new MjpegClient(`http://127.0.0.1:${message.port}/cameras/${name}/stream`));
          }
          return;
        }
        const wallSeconds = (performance.now() - started) / 1000;
        const cpuSeconds = treeCpuSeconds(pid) - cpuStart;
        peakRss = Math.max(peakRss, treeRssMb(pid));
        const viewerFps: Record<string, number> = {};
        for (const [name, c] of clients) {
          viewerFps[name] = c.parts > 1 ? (c.parts - 1) / Math.max(1e-3, (c.lastPartAt - c.firstPartAt) / 1000) : 0;
          if (c.error) log(`viewer of ${name}: ${c.error}`);
        }
        done({ cameras: message.cameras, wallSeconds, cpuSeconds, peakRssMb: peakRss, viewerFps });
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

interface Face {
  name: string;
  box: { x: number; y: number; width: number; height: number };
  similarity: number;
}
/** The parts of the registry's pipelines the bench reads (typed here so this file compiles on its own). */
interface PipelineLike {
  name: string;
  frames$: Observable<{ position: number; capturedAt: number; encodedAt: number; faces: Face[]; offline?: boolean }>;
  recognitions$: Observable<{ frameIndex: number; position?: number; capturedAt: number; recognizedAt: number; faces: Face[] }>;
  stats: { facesDetected: number };
  captureStatus(): { state: string; framesCaptured: number; framesSkipped: number };
}

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

function record(pipeline: PipelineLike, video: string, viewers: boolean): { result: () => CameraRunResult; done: () => boolean } {
  const run: CameraRunResult = { name: pipeline.name, video, framesIn: 0, framesOut: 0, framesSkippedAtCapture: 0, firstCaptureAt: Infinity, lastOutputAt: 0, latenciesMs: [], facesDetected: 0, predictions: [] };
  let completed = false;
  let endedAt = 0;
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
        if (e.position === undefined) run.framesNumberedByIndex = true;
        onOutput(e.capturedAt, e.recognizedAt, prediction(e.position ?? e.frameIndex, e.faces));
      },
      complete,
    });
  }
  return {
    // A file that ended: done once its stream completes, or a second after (the last frames drained).
    done: () => {
      if (completed) return true;
      if (pipeline.captureStatus().state !== 'ended') return false;
      endedAt ||= performance.now();
      return performance.now() - endedAt > 1000;
    },
    result: () => {
      const status = pipeline.captureStatus();
      return { ...run, framesIn: status.framesCaptured + status.framesSkipped, framesSkippedAtCapture: status.framesSkipped, facesDetected: pipeline.stats.facesDetected };
    },
  };
}

async function childMain(): Promise<void> {
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../app.module');
  // Loaded by name so the bench compiles whatever the state of the registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CameraRegistry } = require('../cameras/camera-registry.service');
  const definitions = JSON.parse(process.env.CAMERAS ?? '[]') as Array<{ name: string; source: string }>;
  const seconds = Number(process.env.CAMERAS_BENCH_SECONDS) || 0;
  const viewers = process.env.CAMERAS_BENCH_VIEWERS === '1';
  // Open MJPEG connections must not hold app.close().
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], forceCloseConnections: true });
  const registry = app.get(CameraRegistry) as { list(): PipelineLike[] };
  const recorders = new Map<string, ReturnType<typeof record>>();
  const subscribeAll = () => {
    for (const p of registry.list()) if (!recorders.has(p.name)) recorders.set(p.name, record(p, definitions.find((d) => d.name === p.name)?.source ?? '', viewers));
  };
  subscribeAll(); // before the cameras start, if they start with the application
  await app.listen(0, '127.0.0.1');
  subscribeAll();
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ type: 'ready', port, cameras: [...recorders.keys()] });
  const started = performance.now();
  // Safety net when --seconds is not given: files that never end.
  const limitMs = (seconds || 3600) * 1000;
  while (performance.now() - started < limitMs && ![...recorders.values()].every((r) => r.done())) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const cameras = [...recorders.values()].map((r) => r.result());
  await new Promise<void>((r) => process.send!({ type: 'result', cameras }, () => r()));
  await app.close();
  process.exit(0);
}

if (require.main === module) {
  childMain().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
