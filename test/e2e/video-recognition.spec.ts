import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Appearance, FramePrediction, GroundTruth } from '../../src/bench/scoring';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';

jest.setTimeout(240_000);

const VIDEO = resolve(TESTDATA, 'video/synth_720p.mp4');
const TRUTH = resolve(TESTDATA, 'video/synth_720p.ground_truth.json');

/** Centre of a predicted box inside a ground-truth tile. */
const inside = (box: number[], tile: number[]) => {
  const [cx, cy] = [box[0] + box[2] / 2, box[1] + box[3] / 2];
  return cx >= tile[0] && cx <= tile[0] + tile[2] && cy >= tile[1] && cy <= tile[1] + tile[3];
};

describe('the real pipeline over the labelled video (npm run bench, default engine)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'video-test-'));
  let report: any;
  let predictions: FramePrediction[];
  const truth: GroundTruth = JSON.parse(readFileSync(TRUTH, 'utf8'));

  beforeAll(async () => {
    const predictionsFile = join(dir, 'predictions.jsonl');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(PROJECT_ROOT, 'dist/bench/main.js'), '--mode', 'fast', '--json', '--video', VIDEO, '--faces', resolve(TESTDATA, 'video/enroll'), '--ground-truth', TRUTH, '--predictions', predictionsFile],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    report = JSON.parse(stdout);
    predictions = readFileSync(predictionsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('outputs every frame, one prediction line per frame', () => {
    expect(report.runs[0]).toMatchObject({ mode: 'fast', framesIn: 250, framesOut: 250 });
    expect(predictions.map((p) => p.frame)).toEqual([...Array(250).keys()]);
  });

  it('names at least 95 % of the faces on recognised frames correctly, and names nobody wrongly', () => {
    const score = report.runs[0].accuracy.recognisedFrames;
    console.log(`video, recognised frames: ${score.correct}/${score.truthFaces} named right; all frames: ${report.runs[0].accuracy.allFrames.correct}/${report.runs[0].accuracy.allFrames.truthFaces}`);
    expect(score.truthFaces).toBe(200);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(score.wrongName).toBe(0);
    expect(report.runs[0].accuracy.allFrames.wrongName).toBe(0);
  });

  it('with tracking, names the faces on every output frame and embeds far fewer faces than it detects', () => {
    const run = report.runs[0];
    const all = run.accuracy.allFrames;
    expect(all.truthFaces).toBe(400);
    expect(all.accuracy).toBeGreaterThanOrEqual(0.97);
    // Between recognitions a box is drawn only where its face is found again: none lingers after a face leaves.
    expect(all.emptyFramesWithBoxes).toBe(0);
    expect(all.falsePositives).toBeLessThanOrEqual(2);
    expect(run.tracksConfirmed).toBeGreaterThanOrEqual(150);
    expect(run.facesDetected).toBeGreaterThanOrEqual(190);
    expect(run.facesEmbedded).toBeLessThan(run.facesDetected / 2);
    expect(run.namedRightPerCpuSecond).toBeCloseTo(all.correct / (run.cpuCores * run.wallSeconds), 6);
    expect(run.namedRightPerCpuSecond).toBeGreaterThan(0);
  });

  it('names every face coming into view within 3 frames', () => {
    const appearances = report.runs[0].appearances as Appearance[];
    expect(appearances.map((a) => a.identity)).toEqual(['Serena_Williams', 'Colin_Powell', 'Tony_Blair', 'Serena_Williams', 'Junichiro_Koizumi']);
    // null (never named right) fails as Infinity.
    for (const a of appearances) expect({ ...a, late: (a.framesToName ?? Infinity) > 3 }).toEqual({ ...a, late: false });
  });

  it('shows Tony_Blair, who is not enrolled, as Unknown', () => {
    let seen = 0;
    for (const frame of truth.frames) {
      const tony = frame.faces.find((f) => f.identity === 'Tony_Blair');
      if (!tony) continue;
      const shown = predictions[frame.frame].faces.filter((p) => inside(p.box, tony.tile_box));
      for (const face of shown) {
        seen++;
        expect(face.name).toBe('Unknown');
      }
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('draws no face on any frame where nobody is on screen, recognised or not', () => {
    const empty = truth.frames.filter((f) => f.faces.length === 0).map((f) => f.frame);
    expect(empty.length).toBeGreaterThan(20);
    expect(empty.some((frame) => frame % 2 === 1)).toBe(true);
    for (const frame of empty) expect({ frame, faces: predictions[frame].faces }).toEqual({ frame, faces: [] });
  });
});
