import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSmallFacesClip, type BucketRate } from '../../src/bench/small-faces-clip';
import type { Score } from '../../src/bench/scoring';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';

/**
 * Small and far faces: the labelled recording shrunk to half and padded back to 1280x720
 * (faces 32–78 px tall, built here with ffmpeg, never committed), run through the real
 * pipeline by the built bench (its own processes: OpenCV never loads in this thread) at the
 * default settings, fast mode (no frame dropped, so the counts do not depend on the load).
 */
jest.setTimeout(150_000);

const BENCH = join(PROJECT_ROOT, 'dist', 'bench', 'main.js');
const VIDEO_DIR = join(TESTDATA, 'video');

interface BenchRun {
  accuracy: { allFrames: Score; recognisedFrames: Score };
  sizeBuckets: { allFrames: BucketRate[]; recognisedFrames: BucketRate[] };
  stagesMs: Record<string, { median: number; p95: number }>;
}

let dir: string;

function runBench(video: string, truth: string): Promise<BenchRun> {
  // The defaults under test, whatever the calling shell sets.
  const env = { ...process.env };
  for (const key of ['DETECTION_WIDTH', 'SMALL_FACE_PASS', 'DETECTION_MIN_SCORE', 'MATCH_THRESHOLD', 'RECOGNIZE_EVERY_N_FRAMES']) delete env[key];
  const args = [BENCH, '--json', '--mode', 'fast', '--video', video, '--faces', join(VIDEO_DIR, 'enroll'), '--ground-truth', truth];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout).runs[0] as BenchRun);
      } catch {
        reject(new Error(`bench exit ${code}, not JSON:\n${stdout}\n${stderr.slice(-3000)}`));
      }
    });
  });
}

beforeAll(() => {
  if (!existsSync(BENCH)) throw new Error('dist/bench/main.js is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'face-stream-small-faces-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('small and far faces in a 1280x720 frame', () => {
  it('finds and names faces of 32–78 px at the default settings, and names no one wrongly', async () => {
    const clip = await makeSmallFacesClip(join(VIDEO_DIR, 'synth_720p.mp4'), join(VIDEO_DIR, 'synth_720p.ground_truth.json'), join(dir, 'half'), 0.5);
    const run = await runBench(clip.video, clip.truth);
    const buckets = run.sizeBuckets.recognisedFrames.filter((b) => b.faces > 0);
    const table = buckets.map((b) => `${b.bucket.join('-')} px: ${b.detected}/${b.faces} found, ${b.named} named, ${b.unknown} unknown, ${b.wrong} wrong`);
    console.log(`small faces, recognised frames:\n${table.join('\n')}\ndetection ms median ${run.stagesMs.detection.median.toFixed(1)}`);

    expect(buckets.map((b) => b.bucket[0])).toEqual([30, 40, 50, 60]);
    for (const b of buckets) {
      // Measured (recognised frames): 91–100 % found per bucket with SMALL_FACE_PASS=off, 100 % with the default.
      const atLeast = b.bucket[0] >= 40 ? 0.9 : 0.75;
      expect(b.detected / b.faces).toBeGreaterThanOrEqual(atLeast);
      expect(b.named / b.faces).toBeGreaterThanOrEqual(atLeast - 0.05);
      expect(b.wrong).toBe(0);
    }
    const all = run.accuracy.allFrames;
    expect(all.correct / all.truthFaces).toBeGreaterThanOrEqual(0.9);
    // No one named as someone else (a face too small to name shows as Unknown, which is allowed).
    expect(run.sizeBuckets.allFrames.reduce((n, b) => n + b.faces, 0)).toBe(all.truthFaces);
    expect(run.sizeBuckets.allFrames.reduce((n, b) => n + b.wrong, 0)).toBe(0);
  });

  it('finds faces of 22–55 px (scale 0.35) that the downscaled pass alone misses', async () => {
    const clip = await makeSmallFacesClip(join(VIDEO_DIR, 'synth_720p.mp4'), join(VIDEO_DIR, 'synth_720p.ground_truth.json'), join(dir, 'far'), 0.35);
    const run = await runBench(clip.video, clip.truth);
    const found = (from: number) => {
      const b = run.sizeBuckets.recognisedFrames.find((r) => r.bucket[0] === from)!;
      return b.detected / b.faces;
    };
    console.log(`scale 0.35, recognised frames: ${JSON.stringify(run.sizeBuckets.recognisedFrames.filter((b) => b.faces > 0))}`);
    // Measured: SMALL_FACE_PASS=off 52 % (20–25 px), 99 % (30–40), 86 % (40–50); default (regions) 100 % in all three.
    expect(found(20)).toBeGreaterThanOrEqual(0.8); // found, shown as Unknown: too small to name (tracking quality gate)
    expect(found(30)).toBeGreaterThanOrEqual(0.9);
    expect(found(40)).toBeGreaterThanOrEqual(0.95);
    expect(run.sizeBuckets.allFrames.reduce((n, b) => n + b.wrong, 0)).toBe(0);
  });
});
