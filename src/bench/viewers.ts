/**
 * `npm run bench -- viewers` and `npm run bench -- soak`: the built server as a real process on
 * the demo video (recognition running), watched by many MJPEG clients over loopback.
 *
 * viewers: N clients (and optionally paused ones that stop reading) for S seconds; reports each
 *   client's frame rate against the source's, server CPU and RSS, frames encoded against frames
 *   delivered (encoding happens once per frame, whatever the number of viewers), and that every
 *   subscription is gone once the clients leave.
 * soak: the same with few clients for many minutes, sampling memory, to show it stays flat.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MjpegClient } from './mjpeg-client';
import { childPids, cpuSecondsOfTree, rssMb } from './proc-stats';
import { summarise, Summary } from './stats';

const ROOT = resolve(__dirname, '..', '..');

const HELP = `Usage: npm run bench -- viewers [options]     (many MJPEG viewers at once)
       npm run bench -- soak [options]        (few viewers for a long time: memory must stay flat)
  --clients N        viewers reading the stream (viewers: 50, soak: 5)
  --paused N         extra viewers that stop reading after their first frame (viewers: 1, soak: 0)
  --seconds S        measured time (viewers: 60)
  --minutes M        measured time, soak (default 10)
  --warmup S         seconds before measuring (viewers: 5, soak: 60)
  --video FILE       camera source (default: the demo video, looped, paced)
  --faces DIR        people enrolled at start (default: faces/)
  --json             print the report as JSON`;

export interface ServerSample {
  atSeconds: number;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  captureRssMb: number;
  framesEncoded: number;
}

export interface ViewersReport {
  kind: 'viewers' | 'soak';
  machine: { cores: number; node: string; loadAvg1mStart: number; loadAvg1mEnd: number };
  video: string;
  clients: number;
  pausedClients: number;
  seconds: number;
  sourceFps: number;
  /** Frames per second each reading client received during the measured window. */
  clientFps: Summary;
  clientFpsMin: number;
  /** Clients under 90 % of the source frame rate. */
  clientsBelow90Percent: number;
  clientErrors: string[];
  /** Camera frames that reached the server, live frames JPEG-encoded, parts written to viewers, frames skipped for full sockets. */
  framesCaptured: number;
  framesEncoded: number;
  viewerFramesSent: number;
  viewerFramesDropped: number;
  /** viewerFramesSent / framesEncoded: ~ the number of viewers when every frame is encoded once and shared. */
  sentPerEncoded: number;
  pausedClientParts: number;
  /** Tracked faces on frames between recognitions: checked (found or not) and drawn unchecked because drawing was behind. */
  trackChecks: { checked: number; unchecked: number };
  /** Server process and its capture process, over the measured window. */
  cpuCores: number;
  rssMb: {
    start: number;
    end: number;
    peak: number;
    changePercent: number;
    /** Medians of the first and last minute's samples, and the least-squares trend: steadier than two single readings (GC makes RSS swing). */
    firstMinuteMedian: number;
    lastMinuteMedian: number;
    /** The same over the first and the last third of a run of any length. */
    firstThirdMedian: number;
    lastThirdMedian: number;
    trendMbPerMinute: number;
  };
  captureRssMb: { start: number; end: number; trendMbPerMinute: number };
  eventLoopDelayMs: { worstWindowP99: number; worstMax: number };
  /** After every client disconnected: viewers, and frame subscriptions beyond the server's own (both must be 0). */
  afterDisconnect: { viewers: number; frameSubscriptions: number; settledMs: number };
  samples: ServerSample[];
}

interface StatsResponse {
  camera: { state: string; fps: number; framesCaptured: number };
  stream: {
    framesIn: number;
    framesEncoded: number;
    viewers: number;
    viewerFramesSent: number;
    viewerFramesDropped: number;
    frameSubscriptions: number;
    tracksConfirmed: number;
    tracksHidden: number;
    tracksUnchecked: number;
  };
  eventLoopDelayMs: { last?: { p99: number; max: number }; worstMax: number };
  memoryMb: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The built server (dist/main.js) as a child process on a free port and a temporary data folder. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'face-stream-viewers-'));
  mkdirSync(join(dataDir, 'faces'), { recursive: true });
  let output = '';
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    // The viewers read without a key (PUBLIC_READS: access is not what this measures).
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: join(dataDir, 'data'), CAMERA_LOOP: 'true', CAMERA_PACE: 'true', PUBLIC_READS: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 120_000;
  while (!/listening on/.test(output)) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function stats(url: string): Promise<StatsResponse> {
  const response = await fetch(`${url}/stream/stats`);
  return (await response.json()) as StatsResponse;
}

export interface ViewersOptions {
  kind: 'viewers' | 'soak';
  clients: number;
  paused: number;
  seconds: number;
  warmupSeconds: number;
  video: string;
  faces: string;
  /** Seconds between memory samples. */
  sampleEverySeconds: number;
  log?: (line: string) => void;
}

export async function runViewers(options: ViewersOptions): Promise<ViewersReport> {
  const log = options.log ?? (() => undefined);
  const loadStart = loadavg()[0];
  const server = await startServer({ CAMERA_SOURCE: options.video, FACES_DIR: options.faces });
  const pid = server.child.pid!;
  const captureRss = () => childPids(pid).reduce((sum, child) => sum + rssMb(child), 0);
  const readers: MjpegClient[] = [];
  const paused: MjpegClient[] = [];
  try {
    // Wait for the camera to be live before anyone connects.
    for (let i = 0; i < 300 && (await stats(server.url)).camera.state !== 'live'; i++) await sleep(100);
    // The server's own subscribers to the encoded frames (e.g. the metrics' fps), before any viewer.
    const ownSubscriptions = (await stats(server.url)).stream.frameSubscriptions;
    for (let i = 0; i < options.clients; i++) readers.push(new MjpegClient(`${server.url}/stream`));
    for (let i = 0; i < options.paused; i++) {
      const client: MjpegClient = new MjpegClient(`${server.url}/stream`, { onPart: () => client.parts === 1 && client.pause() });
      paused.push(client);
    }
    await Promise.all([...readers, ...paused].map((c) => c.connected));
    log(`${readers.length} viewers and ${paused.length} paused viewers connected; warming up ${options.warmupSeconds} s`);
    await sleep(options.warmupSeconds * 1000);

    const s0 = await stats(server.url);
    const cpu0 = cpuSecondsOfTree(pid);
    const pausedParts0 = paused.reduce((sum, c) => sum + c.parts, 0);
    for (const c of readers) c.mark();
    const started = performance.now();
    const samples: ServerSample[] = [];
    let peak = rssMb(pid);
    let worstP99 = 0;
    const sample = async () => {
      const s = await stats(server.url);
      const at = (performance.now() - started) / 1000;
      samples.push({
        atSeconds: Math.round(at),
        rssMb: rssMb(pid),
        heapUsedMb: s.memoryMb.heapUsed,
        externalMb: s.memoryMb.external,
        arrayBuffersMb: s.memoryMb.arrayBuffers,
        captureRssMb: captureRss(),
        framesEncoded: s.stream.framesEncoded,
      });
      worstP99 = Math.max(worstP99, s.eventLoopDelayMs.last?.p99 ?? 0);
      peak = Math.max(peak, samples[samples.length - 1].rssMb);
      return s;
    };
    await sample();
    const end = started + options.seconds * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(options.sampleEverySeconds * 1000, end - performance.now()));
      const last = await sample();
      if (options.kind === 'soak') {
        const x = samples[samples.length - 1];
        log(`${x.atSeconds} s: rss ${x.rssMb.toFixed(0)} MB (heap ${x.heapUsedMb}, external ${x.externalMb}), capture ${x.captureRssMb.toFixed(0)} MB, encoded ${last.stream.framesEncoded}`);
      }
    }
    const wall = (performance.now() - started) / 1000;
    const s1 = await stats(server.url);
    const cpu1 = cpuSecondsOfTree(pid);
    const fps = readers.map((c) => c.partsSinceMark / wall);
    const sourceFps = s1.camera.fps || 25;
    const encoded = s1.stream.framesEncoded - s0.stream.framesEncoded;
    const sent = s1.stream.viewerFramesSent - s0.stream.viewerFramesSent;
    const rssStart = samples[0].rssMb;
    const rssEnd = samples[samples.length - 1].rssMb;

    // Everyone leaves: the server must drop every viewer and subscription.
    const left = performance.now();
    for (const c of [...readers, ...paused]) c.close();
    let after = await stats(server.url);
    for (let i = 0; i < 100 && (after.stream.viewers !== 0 || after.stream.frameSubscriptions !== ownSubscriptions); i++) {
      await sleep(50);
      after = await stats(server.url);
    }
    return {
      kind: options.kind,
      machine: { cores: cpus().length, node: process.version, loadAvg1mStart: loadStart, loadAvg1mEnd: loadavg()[0] },
      video: options.video,
      clients: readers.length,
      pausedClients: paused.length,
      seconds: wall,
      sourceFps,
      clientFps: summarise(fps),
      clientFpsMin: fps.length ? Math.min(...fps) : 0,
      clientsBelow90Percent: fps.filter((f) => f < 0.9 * sourceFps).length,
      clientErrors: [...readers, ...paused].map((c) => c.error).filter((e): e is string => !!e),
      framesCaptured: s1.stream.framesIn - s0.stream.framesIn,
      framesEncoded: encoded,
      viewerFramesSent: sent,
      viewerFramesDropped: s1.stream.viewerFramesDropped - s0.stream.viewerFramesDropped,
      sentPerEncoded: encoded > 0 ? sent / encoded : 0,
      pausedClientParts: paused.reduce((sum, c) => sum + c.parts, 0) - pausedParts0,
      trackChecks: {
        checked: s1.stream.tracksConfirmed + s1.stream.tracksHidden - (s0.stream.tracksConfirmed + s0.stream.tracksHidden),
        unchecked: s1.stream.tracksUnchecked - s0.stream.tracksUnchecked,
      },
      cpuCores: (cpu1 - cpu0) / wall,
      rssMb: {
        start: rssStart,
        end: rssEnd,
        peak,
        changePercent: ((rssEnd - rssStart) / rssStart) * 100,
        firstMinuteMedian: summarise(samples.filter((x) => x.atSeconds <= 60).map((x) => x.rssMb)).median,
        lastMinuteMedian: summarise(samples.filter((x) => x.atSeconds >= wall - 60).map((x) => x.rssMb)).median,
        firstThirdMedian: summarise(samples.filter((x) => x.atSeconds <= wall / 3).map((x) => x.rssMb)).median,
        lastThirdMedian: summarise(samples.filter((x) => x.atSeconds >= (2 * wall) / 3).map((x) => x.rssMb)).median,
        trendMbPerMinute: trend(samples, (x) => x.rssMb),
      },
      captureRssMb: { start: samples[0].captureRssMb, end: samples[samples.length - 1].captureRssMb, trendMbPerMinute: trend(samples, (x) => x.captureRssMb) },
      eventLoopDelayMs: { worstWindowP99: worstP99, worstMax: s1.eventLoopDelayMs.worstMax },
      afterDisconnect: { viewers: after.stream.viewers, frameSubscriptions: after.stream.frameSubscriptions - ownSubscriptions, settledMs: Math.round(performance.now() - left) },
      samples,
    };
  } finally {
    for (const c of [...readers, ...paused]) c.close();
    await server.stop();
  }
}

/** Least-squares slope of a sampled value, per minute. */
function trend(samples: ServerSample[], value: (s: ServerSample) => number): number {
  if (samples.length < 2) return 0;
  const xs = samples.map((s) => s.atSeconds / 60);
  const ys = samples.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / den;
}

function print(report: ViewersReport): void {
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`machine: ${report.machine.cores} cores, load average ${f(report.machine.loadAvg1mStart, 2)} at start, ${f(report.machine.loadAvg1mEnd, 2)} at end, node ${report.machine.node}`);
  console.log(`${report.kind}: ${report.clients} viewers + ${report.pausedClients} paused for ${f(report.seconds)} s, source ${f(report.sourceFps)} fps (${report.video})`);
  const c = report.clientFps;
  console.log(`per-viewer fps: min ${f(report.clientFpsMin)} median ${f(c.median)} max ${f(c.max)}; below 90 % of the source: ${report.clientsBelow90Percent}`);
  console.log(
    `frames captured ${report.framesCaptured}, encoded ${report.framesEncoded}, sent to viewers ${report.viewerFramesSent} (${f(report.sentPerEncoded)} per encoded frame), ` +
      `dropped for full sockets ${report.viewerFramesDropped}; paused viewers received ${report.pausedClientParts}`,
  );
  console.log(`tracked faces between recognitions: ${report.trackChecks.checked} checked, ${report.trackChecks.unchecked} drawn unchecked (drawing behind)`);
  const r = report.rssMb;
  console.log(`server + capture CPU ${f(report.cpuCores, 2)} cores; RSS ${f(r.start, 0)} → ${f(r.end, 0)} MB (${f(r.changePercent)} %), peak ${f(r.peak, 0)} MB; capture process ${f(report.captureRssMb.start, 0)} → ${f(report.captureRssMb.end, 0)} MB`);
  console.log(`RSS medians: first minute ${f(r.firstMinuteMedian, 0)} MB, last minute ${f(r.lastMinuteMedian, 0)} MB; trend ${f(r.trendMbPerMinute, 2)} MB/min (capture process ${f(report.captureRssMb.trendMbPerMinute, 2)} MB/min)`);
  console.log(`event-loop delay: worst 5 s window p99 ${f(report.eventLoopDelayMs.worstWindowP99)} ms, worst max ${f(report.eventLoopDelayMs.worstMax)} ms`);
  console.log(`after all viewers left (${report.afterDisconnect.settledMs} ms): viewers ${report.afterDisconnect.viewers}, frame subscriptions ${report.afterDisconnect.frameSubscriptions}`);
  if (report.clientErrors.length) console.log(`client errors: ${report.clientErrors.join('; ')}`);
}

export async function main(kind: 'viewers' | 'soak', argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string' },
      paused: { type: 'string' },
      seconds: { type: 'string' },
      minutes: { type: 'string' },
      warmup: { type: 'string' },
      video: { type: 'string', default: join(ROOT, 'assets', 'demo-camera.mp4') },
      faces: { type: 'string', default: join(ROOT, 'faces') },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(HELP);
  const soak = kind === 'soak';
  const seconds = values.seconds ? Number(values.seconds) : soak ? Number(values.minutes ?? 10) * 60 : 60;
  const report = await runViewers({
    kind,
    clients: Number(values.clients ?? (soak ? 5 : 50)),
    paused: Number(values.paused ?? (soak ? 0 : 1)),
    seconds,
    warmupSeconds: Number(values.warmup ?? (soak ? 60 : 5)),
    video: resolve(values.video!),
    faces: resolve(values.faces!),
    sampleEverySeconds: soak ? 10 : Math.max(1, Math.min(5, seconds / 4)),
    log: (line) => console.error(line),
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
}
