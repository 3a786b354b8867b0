/**
 * `npm run bench -- cameras`: what one server process did with many cameras, put against the
 * floor (decode + JPEG encode of the same videos, measured in the same run). Pure aggregation
 * and printing; the run itself is in cameras.ts / cameras-run.ts.
 */
import type { DetectionScope } from '../vision/detection-gate';
import type { Floor } from './floor';
import { FramePrediction, GroundTruth, PredictedFace, scorePredictions, timeToName } from './scoring';
import { summarise } from './stats';

/** What the server process reports for one camera (sent from the child over IPC). */
export interface CameraRunResult {
  name: string;
  video: string;
  /** Frames read from the source (taken + skipped at capture). */
  framesIn: number;
  /** Seconds from the clock's start until the file ended (or the clock stopped): framesIn over it is the input rate. */
  inputSeconds: number;
  /** Frames out: JPEG-encoded frames with viewers, recognised frames without. */
  framesOut: number;
  framesSkippedAtCapture: number;
  /** Epoch ms: the first output frame's capture, the last output. */
  firstCaptureAt: number;
  lastOutputAt: number;
  /** Capture → JPEG with viewers, capture → recognition without (ms, per output frame). */
  latenciesMs: number[];
  facesDetected: number;
  /** Recognised frames by where detection looked (MOTION_GATING). */
  detections?: Record<DetectionScope, number>;
  /** One per output frame, today's predictions format. */
  predictions: FramePrediction[];
  /** Set when frame numbers come from the pipeline's frame index (no source position on recognitions). */
  framesNumberedByIndex?: boolean;
}

export interface CameraRow {
  name: string;
  video: string;
  framesIn: number;
  /** Frames read per second: below the video's rate when capture falls behind (a paced file then plays slower, it does not skip). */
  inputFps: number;
  framesOut: number;
  outputFps: number;
  /** Frames per second the camera's MJPEG viewer received (--viewers). */
  viewerFps?: number;
  namedRight?: number;
  truthFaces?: number;
  accuracy?: number;
  wrongNames?: number;
  /** Frames on which some face carried someone else's name (must stay 0), and per appearance. */
  wrongNameFrames?: number;
  wrongNameFramesPerAppearance?: number[];
  latencyP50Ms: number;
  latencyP95Ms: number;
  facesDetected: number;
  detections?: Record<DetectionScope, number>;
  /** Each appearance in the ground truth: frames until the right name is shown (null: never). */
  timeToNameFrames?: (number | null)[];
}

export interface CamerasReport {
  machine: { cores: number; loadAvg1mStart: number; loadAvg1mEnd: number; node: string };
  /** Wall seconds of the measured window. */
  seconds: number;
  /** With --viewers: frames drawn, encoded and read over MJPEG; without: recognition only (nothing drawn). */
  viewers: boolean;
  /** What the accuracy is over: every output frame (viewers) or the recognised frames only. */
  scoredOver: 'all frames' | 'recognised frames';
  cameras: CameraRow[];
  /** The server process and all its threads and child processes. */
  total: { cores: number; coresPerCamera: number; peakRssMb: number; peakPssMb: number; memoryBudgetMb: number };
  floor: { perCamera: Array<Floor & { name: string }>; totalCoresAtRealTime: number };
  /** total.cores / floor.totalCoresAtRealTime. */
  ratioToFloor: number;
  /** Embedding calls for how many camera frames' requests and faces (batched across cameras). */
  embedding?: { calls: number; requests: number; faces: number };
  /** RSS of the server's process tree every 10 s of the measured window. */
  rssTimeline?: Array<{ seconds: number; mb: number; pssMb?: number; heapMb?: number; arrayBuffersMb?: number }>;
  notes: string[];
}

/**
 * One camera's row: rates, latency percentiles and, given a ground truth, accuracy. Over 'all
 * frames', every ground-truth frame up to the last one the camera output counts (a frame not
 * output shows nothing); over 'recognised frames', only the frames with a prediction.
 */
export function cameraRow(run: CameraRunResult, truth?: GroundTruth, options: { viewerFps?: number; scoredOver?: CamerasReport['scoredOver'] } = {}): CameraRow {
  const { viewerFps, scoredOver = 'all frames' } = options;
  const latency = summarise(run.latenciesMs);
  const spanSeconds = (run.lastOutputAt - run.firstCaptureAt) / 1000;
  const row: CameraRow = {
    name: run.name,
    video: run.video,
    framesIn: run.framesIn,
    inputFps: run.inputSeconds > 0 ? run.framesIn / run.inputSeconds : 0,
    framesOut: run.framesOut,
    outputFps: run.framesOut > 1 && spanSeconds > 0 ? run.framesOut / spanSeconds : 0,
    viewerFps,
    latencyP50Ms: latency.median,
    latencyP95Ms: latency.p95,
    facesDetected: run.facesDetected,
    detections: run.detections,
  };
  if (!truth) return row;
  const predicted = new Map<number, PredictedFace[]>(run.predictions.map((p) => [p.frame, p.faces]));
  // Only the frames the camera got to: a run cut short by --seconds is not charged for the rest.
  const lastFrame = run.predictions.reduce((max, p) => Math.max(max, p.frame), -1);
  const frames = scoredOver === 'all frames' ? truth.frames.map((f) => f.frame).filter((f) => f <= lastFrame) : [...predicted.keys()];
  const score = scorePredictions(truth, predicted, frames);
  const reached = { ...truth, frames: truth.frames.filter((f) => f.frame <= lastFrame) };
  const appearances = timeToName(reached, predicted);
  return {
    ...row,
    namedRight: score.correct,
    truthFaces: score.truthFaces,
    accuracy: score.accuracy,
    wrongNames: score.wrongName,
    wrongNameFrames: score.wrongNameFrames,
    wrongNameFramesPerAppearance: appearances.map((a) => a.wrongNameFrames),
    timeToNameFrames: appearances.map((a) => a.framesToName),
  };
}

/** The floor of every camera (a video used twice counts twice) and its total. */
export function floorTotals(cameras: Array<{ name: string; video: string }>, floors: Map<string, Floor>): CamerasReport['floor'] {
  const perCamera = cameras.map((c) => {
    const floor = floors.get(c.video);
    if (!floor) throw new Error(`no floor measured for ${c.video}`);
    return { name: c.name, ...floor };
  });
  return { perCamera, totalCoresAtRealTime: perCamera.reduce((sum, f) => sum + f.coresAtRealTime, 0) };
}

/** The memory target of "Many cameras on one node": 400 MB plus 60 MB per camera. */
export function memoryBudgetMb(cameras: number): number {
  return 400 + 60 * cameras;
}

export function totals(cpuSeconds: number, wallSeconds: number, cameras: number, peak: { rssMb: number; pssMb: number }): CamerasReport['total'] {
  const cores = wallSeconds > 0 ? cpuSeconds / wallSeconds : 0;
  return { cores, coresPerCamera: cameras > 0 ? cores / cameras : 0, peakRssMb: peak.rssMb, peakPssMb: peak.pssMb, memoryBudgetMb: memoryBudgetMb(cameras) };
}

export function ratio(cores: number, floorCores: number): number {
  return floorCores > 0 ? cores / floorCores : NaN;
}

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

const num = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

export function formatCamerasReport(report: CamerasReport): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`machine: ${m.cores} cores, load average ${num(m.loadAvg1mStart, 2)} at start, ${num(m.loadAvg1mEnd, 2)} at end, node ${m.node}`);
  lines.push(
    `${report.cameras.length} camera(s) in one server process for ${num(report.seconds)} s, ` +
      (report.viewers ? 'each watched by one MJPEG viewer (every frame drawn and encoded)' : 'no viewers (recognition only, nothing drawn or encoded)'),
  );
  const latency = report.viewers ? 'capture→JPEG' : 'capture→recog.';
  const header = ['camera', 'frames in', 'in fps', 'out', 'out fps', ...(report.viewers ? ['viewer fps'] : []), 'named right', 'wrong', 'faces found', `${latency} p50`, 'p95 ms', 'video'];
  const rows = report.cameras.map((c) => [
    c.name,
    String(c.framesIn),
    num(c.inputFps),
    String(c.framesOut),
    num(c.outputFps),
    ...(report.viewers ? [num(c.viewerFps)] : []),
    c.truthFaces !== undefined ? `${c.namedRight}/${c.truthFaces} (${num((c.accuracy ?? 0) * 100)} %)` : '-',
    c.wrongNames !== undefined ? String(c.wrongNames) : '-',
    String(c.facesDetected),
    num(c.latencyP50Ms),
    num(c.latencyP95Ms),
    c.video,
  ]);
  lines.push('', formatTable([header, ...rows]));
  if (report.cameras.some((c) => c.truthFaces !== undefined)) lines.push(`(accuracy over ${report.scoredOver} of each camera)`);
  for (const c of report.cameras.filter((c) => c.detections)) {
    const d = c.detections!;
    lines.push(`${c.name}: recognised frames searched whole ${d.frame}, around the tracked faces only ${d.tracks}, not at all (still and empty) ${d.none}`);
  }
  for (const c of report.cameras.filter((c) => c.timeToNameFrames?.length)) {
    lines.push(`${c.name}: frames until a face coming into view is named right: ${c.timeToNameFrames!.map((f) => (f === null ? 'never' : String(f))).join(', ')}`);
    lines.push(`${c.name}: wrong-name frames ${c.wrongNameFrames ?? '-'} (per appearance: ${c.wrongNameFramesPerAppearance?.join(', ') ?? '-'})`);
  }
  const t = report.total;
  lines.push('', `total: ${num(t.cores, 2)} cores (server, all threads and child processes), ${num(t.coresPerCamera, 2)} per camera`,
    `memory: peak PSS ${num(t.peakPssMb, 0)} MB of a budget of ${num(t.memoryBudgetMb, 0)} MB (peak RSS ${num(t.peakRssMb, 0)} MB counts the libraries shared by the server and every ffmpeg once per process)`);
  if (report.embedding?.calls) {
    const e = report.embedding;
    lines.push(`embedding: ${e.calls} calls for ${e.requests} camera frames' requests (${e.faces} faces): ${num(e.requests / e.calls, 2)} frames and ${num(e.faces / e.calls, 2)} faces per call`);
  }
  if ((report.rssTimeline?.length ?? 0) > 1) {
    const timeline = report.rssTimeline!;
    lines.push(`RSS every 10 s (MB): ${timeline.map((s) => s.mb).join(', ')}`);
    lines.push(`PSS every 10 s (MB): ${timeline.map((s) => s.pssMb ?? '-').join(', ')}`);
    lines.push(`server V8 heap (MB): ${timeline.map((s) => s.heapMb ?? '-').join(', ')}`);
    lines.push(`server array buffers, frames included (MB): ${timeline.map((s) => s.arrayBuffersMb ?? '-').join(', ')}`);
  }
  lines.push('', 'floor (single-thread ffmpeg decode + OpenCV JPEG encode at quality 80, measured in this run):');
  const floorRows = report.floor.perCamera.map((f) => [
    f.name,
    `${f.width}x${f.height}@${num(f.fps, 0)}`,
    String(f.frames),
    num(f.decodeCpuSeconds, 2),
    num(f.encodeCpuSeconds, 2),
    num(f.coresAtRealTime, 3),
  ]);
  lines.push(formatTable([['camera', 'video', 'frames', 'decode s', 'encode s', 'cores at real time'], ...floorRows]));
  lines.push(`floor total ${num(report.floor.totalCoresAtRealTime, 2)} cores; the server used ${num(report.ratioToFloor, 1)}x the floor`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

export function printCamerasReport(report: CamerasReport, json = false): void {
  console.log(json ? JSON.stringify(report, null, 2) : formatCamerasReport(report));
}
