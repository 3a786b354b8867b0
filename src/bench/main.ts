/**
 * `npm run bench`: runs the real pipeline over a video as fast as it can and paced at the
 * video's frame rate, and prints throughput, per-stage timings, latency, CPU, memory and,
 * given a ground truth, accuracy. Each run is a separate process.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from './bench-run';
import { benchGalleryMatch, type GalleryBench } from './gallery-bench';
import type { Summary } from './stats';
import { Appearance, GroundTruth, PredictedFace, scorePredictions, Score, timeToName } from './scoring';
import { BucketRate, makeSmallFacesClip, sizeBucketRates } from './small-faces-clip';

const HELP = `Usage: npm run bench -- [options]
       npm run bench -- viewers|soak --help   (many MJPEG viewers; a long run with memory sampling)
       npm run bench -- cameras --help        (many cameras in one server process, against the decode + encode floor)
       npm run bench -- labels [--frames N]   (drawing a frame's labels: Hershey against the font rasteriser)
       npm run bench -- batching [--rounds N] (embedding faces one call each against one batch)
  --video FILE          video to run (default: the demo video)
  --faces DIR           photos to enroll, named after the person (default: faces/)
  --ground-truth FILE   per-frame ground truth JSON, to report accuracy
  --predictions FILE    write what viewers saw, one JSON line per output frame (from the paced run)
  --mode fast|paced|both  (default both)
  --engine NAME         yunet-edgeface (default) or human
  --every N             recognise every Nth frame (default 2)
  --gallery N           also time matching one face against N enrolled people (default 100000, 0 = skip)
  --json                print the results as JSON
  --make-small-faces-clip DIR  write the small-faces test clip (the labelled recording shrunk to half
                        and padded to 1280x720, faces ~32-77 px) and its ground truth into DIR, then exit
  --make-cut-clips DIR  write the three clips where a face takes another's place (cut to a stranger, cut
                        to another enrolled person, a stranger walking in), their ground truth and the
                        photos to enroll (DIR/enroll) into DIR, then exit; run each with --faces DIR/enroll`;

interface Report {
  machine: { cores: number; loadAvg1m: number; node: string };
  video: string;
  /** Naming faces against `galleryPeople` enrolled people (512-d, one sample each). */
  galleryMatch?: GalleryBench;
  galleryPeople?: number;
  runs: Array<
    Omit<RunResult, 'predictions'> & {
      accuracy?: { allFrames: Score; recognisedFrames: Score };
      /** Ground-truth faces named right over all output frames, per CPU-second the run used. */
      namedRightPerCpuSecond?: number;
      /** Per face-size bucket (face_box height), when the ground truth has face boxes. */
      sizeBuckets?: { allFrames: BucketRate[]; recognisedFrames: BucketRate[] };
      /** Each time someone comes into view: how many frames until the right name is shown. */
      appearances?: Appearance[];
    }
  >;
}

function runMode(mode: 'fast' | 'paced', options: Record<string, string>): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'face-stream-bench-'));
  const child = fork(join(__dirname, 'bench-run.js'), [], {
    env: {
      ...process.env,
      BENCH_MODE: mode,
      CAMERA_SOURCE: options.video,
      CAMERA_LOOP: 'false',
      CAMERA_PACE: String(mode === 'paced'),
      DATA_DIR: dataDir,
      FACES_DIR: options.faces,
      RECOGNITION_ENGINE: options.engine,
      RECOGNIZE_EVERY_N_FRAMES: options.every,
    },
    // The run's own logs go to stderr, so --json output stays clean.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout!.pipe(process.stderr);
  return new Promise<RunResult>((done, fail) => {
    let result: RunResult | undefined;
    child.on('message', (message) => (result = message as RunResult));
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      if (result) done(result);
      else fail(new Error(`${mode} run failed (exit ${code})`));
    });
  });
}

function accuracyOf(truth: GroundTruth, run: RunResult, every: number) {
  const predictions = new Map<number, PredictedFace[]>(run.predictions.map((p) => [p.frame, p.faces]));
  const recognisedFrames = truth.frames.map((f) => f.frame).filter((f) => f % every === 0);
  return { allFrames: scorePredictions(truth, predictions), recognisedFrames: scorePredictions(truth, predictions, recognisedFrames) };
}

function appearancesOf(truth: GroundTruth, run: RunResult): Appearance[] {
  return timeToName(truth, new Map<number, PredictedFace[]>(run.predictions.map((p) => [p.frame, p.faces])));
}

function sizeBucketsOf(truth: GroundTruth, run: RunResult, every: number) {
  const predictions = new Map<number, PredictedFace[]>(run.predictions.map((p) => [p.frame, p.faces]));
  const recognisedFrames = truth.frames.map((f) => f.frame).filter((f) => f % every === 0);
  const withBoxes = truth as Parameters<typeof sizeBucketRates>[0];
  return { allFrames: sizeBucketRates(withBoxes, predictions), recognisedFrames: sizeBucketRates(withBoxes, predictions, undefined, recognisedFrames) };
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

function printRun(run: Report['runs'][number]): void {
  console.log(`\n== ${run.mode} run: ${run.wallSeconds.toFixed(1)} s wall`);
  console.log(`frames in ${run.framesIn}, out ${run.framesOut}, skipped at capture ${run.framesSkippedAtCapture}, recognised ${run.framesRecognised} (dropped while busy ${run.recognitionDropped})`);
  console.log(`output fps ${run.fps.toFixed(1)}; frames drawn after their own recognition ${run.framesWithOwnRecognition}`);
  console.log(`faces detected ${run.facesDetected}, embedded ${run.facesEmbedded} (the tracker reuses settled identities); scene cuts seen ${run.sceneCuts}`);
  console.log(`between recognitions, tracked faces found again ${run.tracksConfirmed}, not found (not drawn) ${run.tracksHidden}, unchecked (drawing behind) ${run.tracksUnchecked}`);
  console.log('stage                 median ms   p95 ms');
  for (const [stage, s] of Object.entries(run.stagesMs)) console.log(`${stage.padEnd(21)} ${ms(s.median).padStart(9)} ${ms(s.p95).padStart(8)}`);
  console.log(`${'capture→JPEG'.padEnd(21)} ${ms(run.latencyMs.median).padStart(9)} ${ms(run.latencyMs.p95).padStart(8)}   (all frames)`);
  console.log(`${''.padEnd(21)} ${ms(run.latencyAfterWarmupMs.median).padStart(9)} ${ms(run.latencyAfterWarmupMs.p95).padStart(8)}   (after the first second)`);
  console.log(`CPU ${run.cpuCores.toFixed(2)} cores average, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
  if (run.accuracy) {
    for (const [label, s] of Object.entries(run.accuracy)) {
      console.log(
        `accuracy (${label}): ${s.correct}/${s.truthFaces} named right = ${pct(s.accuracy)}; wrong ${s.wrongName} ` +
          `(frames with someone else's name: ${s.wrongNameFrames}), missed ${s.missed}, ` +
          `false boxes ${s.falsePositives}, empty frames with boxes ${s.emptyFramesWithBoxes}`,
      );
    }
    console.log(`faces named right per CPU-second: ${run.namedRightPerCpuSecond?.toFixed(1)}`);
  }
  if (run.appearances?.length) {
    const delays = run.appearances.map((a) => (a.framesToName === null ? 'never' : String(a.framesToName)));
    const named = run.appearances.flatMap((a) => (a.framesToName === null ? [] : [a.framesToName]));
    console.log(`frames until a face coming into view is named right: ${delays.join(', ')} (max ${named.length ? Math.max(...named) : '-'})`);
    console.log(`wrong-name frames per appearance: ${run.appearances.map((a) => `${a.identity} ${a.wrongNameFrames}`).join(', ')}`);
  }
  if (run.sizeBuckets) {
    for (const [label, rates] of Object.entries(run.sizeBuckets)) {
      const cells = rates.filter((r) => r.faces > 0).map((r) => `${r.bucket[0]}-${r.bucket[1]} px ${r.detected}/${r.faces} found, ${r.named} named, ${r.unknown} unknown, ${r.wrong} wrong`);
      console.log(`face sizes (${label}): ${cells.join('; ')}`);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      video: { type: 'string', default: resolve(__dirname, '..', '..', 'assets', 'demo-camera.mp4') },
      faces: { type: 'string', default: resolve(__dirname, '..', '..', 'faces') },
      'ground-truth': { type: 'string' },
      predictions: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      engine: { type: 'string', default: 'yunet-edgeface' },
      every: { type: 'string', default: '2' },
      gallery: { type: 'string', default: '100000' },
      json: { type: 'boolean', default: false },
      'make-small-faces-clip': { type: 'string' },
      'make-cut-clips': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(HELP);
  if (values['make-small-faces-clip']) {
    const testdata = resolve(__dirname, '..', '..', '..', 'shared', 'testdata', 'video');
    const made = await makeSmallFacesClip(join(testdata, 'synth_720p.mp4'), join(testdata, 'synth_720p.ground_truth.json'), resolve(values['make-small-faces-clip']));
    return console.log(`${made.video}\n${made.truth}`);
  }
  if (values['make-cut-clips']) return (await import('./identity-cut-clips')).writeCutClips(resolve(values['make-cut-clips']));
  const options = { video: resolve(values.video!), faces: resolve(values.faces!), engine: values.engine!, every: values.every! };
  const modes: Array<'fast' | 'paced'> = values.mode === 'both' ? ['fast', 'paced'] : [values.mode as 'fast' | 'paced'];
  const truth = values['ground-truth'] ? (JSON.parse(readFileSync(values['ground-truth'], 'utf8')) as GroundTruth) : undefined;

  const report: Report = {
    machine: { cores: (await import('node:os')).cpus().length, loadAvg1m: loadavg()[0], node: process.version },
    video: options.video,
    runs: [],
  };
  let predictionsRun: RunResult | undefined;
  for (const mode of modes) {
    const run = await runMode(mode, options);
    const { predictions: _predictions, ...summary } = run;
    const hasFaceBoxes = truth?.frames.some((f) => f.faces.some((face) => 'face_box' in face));
    const accuracy = truth ? accuracyOf(truth, run, Number(options.every)) : undefined;
    report.runs.push({
      ...summary,
      accuracy,
      namedRightPerCpuSecond: accuracy ? accuracy.allFrames.correct / (run.cpuCores * run.wallSeconds) : undefined,
      sizeBuckets: truth && hasFaceBoxes ? sizeBucketsOf(truth, run, Number(options.every)) : undefined,
      appearances: truth ? appearancesOf(truth, run) : undefined,
    });
    if (mode === 'paced' || !predictionsRun) predictionsRun = run;
  }
  const galleryPeople = Number(values.gallery);
  if (galleryPeople > 0) Object.assign(report, { galleryPeople, galleryMatch: await benchGalleryMatch(galleryPeople) });
  if (values.predictions && predictionsRun) {
    writeFileSync(values.predictions, predictionsRun.predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
  }
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(`machine: ${report.machine.cores} cores, load average ${report.machine.loadAvg1m.toFixed(2)} at start, node ${report.machine.node}`);
  console.log(`video: ${report.video}`);
  for (const run of report.runs) printRun(run);
  if (report.galleryMatch) {
    const { oneFace, threeFaces, native } = report.galleryMatch;
    console.log(
      `\ngallery match against ${galleryPeople} people (${native ? 'onnxruntime' : 'JavaScript'}): one face median ${ms(oneFace.median)} ms, ` +
        `p95 ${ms(oneFace.p95)} ms; three faces in one call median ${ms(threeFaces.median)} ms, p95 ${ms(threeFaces.p95)} ms`,
    );
  }
  if (values.predictions) console.log(`\npredictions (${predictionsRun?.mode} run) written to ${values.predictions}`);
}

const subcommand = process.argv[2];
const run =
  subcommand === 'viewers' || subcommand === 'soak'
    ? () => import('./viewers').then((m) => m.main(subcommand, process.argv.slice(3)))
    : subcommand === 'cameras'
      ? () => import('./cameras').then((m) => m.runCamerasBench(process.argv.slice(3)))
      : subcommand === 'labels'
        ? () => import('./labels').then((m) => m.runLabelsBench(process.argv.slice(3)))
        : subcommand === 'batching'
          ? () => import('./embedding-batch').then((m) => m.runBatchingBench(process.argv.slice(3)))
          : main;

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
