/**
 * `npm run bench -- cameras --video A.mp4 --video B.mp4 …`: every camera in ONE server process,
 * each file played at its own frame rate, against the floor measured in the same run (a
 * single-thread decode of each video plus a JPEG encode of its frames: see floor.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cameraRow, CamerasReport, floorTotals, printCamerasReport, ratio, totals } from './cameras-report';
import { runCamerasServer } from './cameras-run';
import { makeCrowdClip } from './crowd-clip';
import { Floor, measureFloor } from './floor';
import type { GroundTruth } from './scoring';

const ROOT = resolve(__dirname, '..', '..');

const HELP = `Usage: npm run bench -- cameras --video A.mp4 [--video B.mp4 …] [options]
  Runs every video as a camera (cam1, cam2, … in --video order) in one server process, paced at
  its frame rate, not looped; prints per camera frames in/out, fps, accuracy, latency, and in
  total the cores (all threads and child processes), cores per camera, peak RSS, and the floor
  (single-thread decode + JPEG encode of the same videos, measured in this run) with the ratio.
  --video FILE            a camera (repeat; default: the demo video once)
  --faces DIR             photos to enroll, named after the person (default: faces/)
  --ground-truth FILE     per-frame ground truth of the camera in the same position (repeat;
                          "-" for a camera without one)
  --viewers               one MJPEG viewer per camera (every frame drawn and encoded); without,
                          recognition only and nothing is drawn
  --seconds S             stop after S seconds (default: when every video has ended); also the
                          length of --make-crowd-clip (default 20)
  --loop                  loop the files (a soak; needs --seconds, no --ground-truth): the
                          report shows the memory every 10 s
  --stagger MS            enable the cameras MS apart, cam1 first (default 1000; 0: all at once);
                          cores and wall time are measured while all of them run
  --predictions DIR       write DIR/cam1.jsonl … (one JSON line per output frame)
  --json                  print the report as JSON
  --make-crowd-clip FILE  write the 1920x1080@25 crowd clip (the Solvay photo, panned and
                          zoomed) to FILE, then exit`;

export interface CamerasOptions {
  videos: string[];
  truths: (string | undefined)[];
  faces: string;
  viewers: boolean;
  seconds?: number;
  staggerMs: number;
  loop: boolean;
  predictions?: string;
  json: boolean;
  makeCrowdClip?: string;
  help: boolean;
}

export function parseCamerasArgs(argv: string[]): CamerasOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      video: { type: 'string', multiple: true },
      faces: { type: 'string', default: join(ROOT, 'faces') },
      'ground-truth': { type: 'string', multiple: true },
      viewers: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      stagger: { type: 'string', default: '1000' },
      loop: { type: 'boolean', default: false },
      predictions: { type: 'string' },
      json: { type: 'boolean', default: false },
      'make-crowd-clip': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${values.seconds}`);
  const staggerMs = Number(values.stagger);
  if (!(staggerMs >= 0)) throw new Error(`--stagger must be a number of milliseconds ≥ 0, got ${values.stagger}`);
  const videos = (values.video?.length ? values.video : [join(ROOT, 'assets', 'demo-camera.mp4')]).map((v) => resolve(v));
  const truths = (values['ground-truth'] ?? []).map((t) => (t === '-' ? undefined : resolve(t)));
  if (truths.length > videos.length) throw new Error(`${truths.length} --ground-truth for ${videos.length} --video`);
  if (values.loop && seconds === undefined) throw new Error('--loop needs --seconds (looped files never end)');
  if (values.loop && truths.some(Boolean)) throw new Error('--loop cannot be scored against a --ground-truth (frame numbers repeat)');
  return {
    videos,
    truths,
    faces: resolve(values.faces!),
    viewers: values.viewers!,
    seconds,
    staggerMs,
    loop: values.loop!,
    predictions: values.predictions && resolve(values.predictions),
    json: values.json!,
    makeCrowdClip: values['make-crowd-clip'] && resolve(values['make-crowd-clip']),
    help: values.help!,
  };
}

export async function runCamerasBench(argv: string[]): Promise<void> {
  const options = parseCamerasArgs(argv);
  if (options.help) return console.log(HELP);
  const log = (line: string) => console.error(line);
  if (options.makeCrowdClip) {
    await makeCrowdClip(options.makeCrowdClip, options.seconds ?? 20);
    return console.log(options.makeCrowdClip);
  }
  const loadAvg1mStart = loadavg()[0];
  const cameras = options.videos.map((video, i) => ({ name: `cam${i + 1}`, source: video }));
  const truths = options.truths.map((t) => (t ? (JSON.parse(readFileSync(t, 'utf8')) as GroundTruth) : undefined));

  // The floor first, one video at a time (nothing else of this bench running).
  const floors = new Map<string, Floor>();
  for (const video of new Set(options.videos)) {
    log(`measuring the floor of ${video}`);
    floors.set(video, await measureFloor(video, options.seconds));
  }

  log(`running ${cameras.length} camera(s) in one server process${options.viewers ? ' with a viewer each' : ''}`);
  const run = await runCamerasServer({ cameras, faces: options.faces, seconds: options.seconds, viewers: options.viewers, staggerMs: options.staggerMs, loop: options.loop, log });
  const scoredOver = options.viewers ? 'all frames' : 'recognised frames';
  const rows = cameras.map((camera, i) => {
    const result = run.cameras.find((c) => c.name === camera.name);
    if (!result) throw new Error(`the server reported nothing for ${camera.name}`);
    return cameraRow({ ...result, video: camera.source }, truths[i], { viewerFps: run.viewerFps[camera.name], scoredOver });
  });
  const total = totals(run.cpuSeconds, run.wallSeconds, cameras.length, { rssMb: run.peakRssMb, pssMb: run.peakPssMb });
  const floor = floorTotals(cameras.map((c) => ({ name: c.name, video: c.source })), floors);
  const notes: string[] = [];
  if (run.cameras.some((c) => c.framesNumberedByIndex && c.framesSkippedAtCapture > 0)) {
    notes.push('frames were skipped at capture and recognitions carry no source position: predictions are numbered by pipeline index, so accuracy is approximate');
  }
  for (const row of rows) {
    const f = floors.get(row.video)!;
    if (row.inputFps < 0.9 * f.fps) notes.push(`${row.name} read ${row.inputFps.toFixed(1)} of ${f.fps} fps: capture fell behind (a paced file then plays slower), the machine is short of CPU`);
    if (options.viewers && row.outputFps < 0.9 * f.fps) notes.push(`${row.name} output ${row.outputFps.toFixed(1)} of ${f.fps} fps: the server is behind`);
  }
  const report: CamerasReport = {
    machine: { cores: cpus().length, loadAvg1mStart, loadAvg1mEnd: loadavg()[0], node: process.version },
    seconds: run.wallSeconds,
    viewers: options.viewers,
    scoredOver,
    cameras: rows,
    total,
    floor,
    ratioToFloor: ratio(total.cores, floor.totalCoresAtRealTime),
    embedding: run.embedding,
    rssTimeline: run.rssTimeline,
    notes,
  };
  if (options.predictions) {
    mkdirSync(options.predictions, { recursive: true });
    for (const camera of run.cameras) {
      writeFileSync(join(options.predictions, `${camera.name}.jsonl`), camera.predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
    }
    notes.push(`predictions written to ${options.predictions}/cam1.jsonl …`);
  }
  printCamerasReport(report, options.json);
}
