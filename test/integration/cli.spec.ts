import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { ENGINE_MATCH_DEFAULTS, matchRuleFor } from '../../src/recognition/engines/engine-defaults';
import { policyFor } from '../../src/recognition/matching/open-set-threshold';
import { CLI, CliRun, runCli as runCliProcess } from '../support/cli-process';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';

/** The server's default threshold rule for the default engine. */
const EDGEFACE_RULE = matchRuleFor('yunet-edgeface', undefined, 0.01);
const EDGEFACE_TAIL = ENGINE_MATCH_DEFAULTS['yunet-edgeface'].impostorTail;

/**
 * The built CLI (dist/cli/main.js) as a real process, on the real models: the OpenCV
 * binding never loads in this test's own thread. Every run gets temporary DATA_DIR and
 * FACES_DIR folders, so nothing touches data/.
 */
jest.setTimeout(120_000);

const PEOPLE = join(TESTDATA, 'people');
const LFW = join(TESTDATA, 'lfw-fold1');

let root: string;
let emptyFaces: string;

function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCliProcess(args, { DATA_DIR: join(root, 'unused-data'), FACES_DIR: emptyFaces, ...env });
}

/** Parses a run's stdout as JSON, showing the run's output when it is not. */
function json<T = any>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** A 1280x720 "camera frame": LFW photos pasted on a plain background at the given places. */
function frameWith(tiles: Array<{ file: string; x: number; y: number }>): Buffer {
  const width = 1280;
  const height = 720;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([90, 100, 110, 255], i * 4);
  for (const tile of tiles) {
    const photo = jpeg.decode(readFileSync(tile.file), { useTArray: true });
    for (let y = 0; y < photo.height; y++) {
      const from = y * photo.width * 4;
      data.set(photo.data.subarray(from, from + photo.width * 4), ((tile.y + y) * width + tile.x) * 4);
    }
  }
  return Buffer.from(jpeg.encode({ data, width, height }, 85).data);
}

const photoOf = (name: string, n: number) => join(PEOPLE, name, `${name}_000${n}.jpg`);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  root = mkdtempSync(join(tmpdir(), 'face-stream-cli-'));
  emptyFaces = join(root, 'faces');
  mkdirSync(emptyFaces);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('face-stream CLI', () => {
  it('prints help for every command and refuses bad usage with exit code 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['compare', 'verify-pairs', 'recognize', 'enroll', 'identify']) expect(help.stdout).toContain(command);
    const identifyHelp = await runCli(['identify', '--help']);
    expect(identifyHelp.code).toBe(0);
    expect(identifyHelp.stdout).toMatch(/--enroll-per-person/);

    const missing = await runCli(['compare', join(root, 'nope.jpg'), photoOf('Tom_Ridge', 1)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/image not found: .*nope\.jpg/);
    const missingDir = await runCli(['enroll', join(root, 'no-such-folder')]);
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr).toMatch(/folder not found/);
    const badOption = await runCli(['identify', LFW, '--threshold', 'high']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/--threshold/);
  });

  it('compares two photos of one person as the same, and two people as different', async () => {
    const same = json(await runCli(['compare', photoOf('Ann_Veneman', 1), photoOf('Ann_Veneman', 3), '--json']));
    const different = json(await runCli(['compare', photoOf('Ann_Veneman', 1), photoOf('Tom_Ridge', 1), '--json']));
    // Two photos: the open-set threshold for one enrolled vector.
    expect(same).toMatchObject({ samePerson: true, engine: 'yunet-edgeface', threshold: policyFor(EDGEFACE_RULE, 1).threshold });
    expect(different.samePerson).toBe(false);
    expect(same.similarity).toBeGreaterThan(different.similarity + 0.2);
    expect(same.a.box).toHaveLength(4);

    const line = await runCli(['compare', photoOf('Gordon_Brown', 1), photoOf('Gordon_Brown', 2)]);
    expect(line.code).toBe(0);
    expect(line.stdout).toMatch(/^similarity 0\.\d{3}: same person \(threshold 0\.\d+/);

    const noFace = await runCli(['compare', join(TESTDATA, 'bad', 'no-face.jpg'), photoOf('Tom_Ridge', 1)]);
    expect(noFace.code).toBe(1);
    expect(noFace.stderr).toMatch(/no face found in .*no-face\.jpg/);
  });

  describe('enroll, then recognize against DATA_DIR', () => {
    const people = ['Ann_Veneman', 'Gordon_Brown', 'Tom_Ridge'];
    let dataDir: string;
    let input: string;

    beforeAll(() => {
      dataDir = join(root, 'data');
      input = join(root, 'enroll');
      // Photos 1-3 of three people, one folder each; photos 4-6 stay out for recognition.
      for (const name of people) {
        mkdirSync(join(input, name), { recursive: true });
        for (const n of [1, 2, 3]) cpSync(photoOf(name, n), join(input, name, `${name}_000${n}.jpg`));
      }
      cpSync(join(TESTDATA, 'bad', 'truncated.jpg'), join(input, 'Ann_Veneman', 'broken.jpg'));
      cpSync(photoOf('Tom_Ridge', 1), join(input, 'Tom_Ridge', 'same-bytes-again.jpg'));
      cpSync(join(TESTDATA, 'bad', 'no-face.jpg'), join(input, 'Nobody.jpg'));
      cpSync(join(TESTDATA, 'stills', 'solvay1927.jpg'), join(input, 'Solvay_Conference.jpg'));
      writeFileSync(join(input, 'notes.txt'), 'not a photo\n');
    });

    it('enrolls every usable photo and lists what it skipped and why', async () => {
      const run = await runCli(['enroll', input, '--json'], { DATA_DIR: dataDir });
      expect(run.code).toBe(0);
      expect(run.stderr).not.toMatch(/\x1b\[/); // no progress bar when stderr is not a terminal
      const summary = json(run);
      expect(summary.people.map((p: { name: string }) => p.name)).toEqual(people);
      expect(summary.enrolledPhotos).toBe(9);
      const reasons = Object.fromEntries(
        summary.skipped.map((s: { file: string; reason: string }) => [s.file.slice(input.length + 1), s.reason]),
      );
      expect(reasons).toEqual({
        'Ann_Veneman/broken.jpg': 'bad file',
        'Tom_Ridge/same-bytes-again.jpg': 'duplicate',
        'Nobody.jpg': 'no face',
        'Solvay_Conference.jpg': 'several faces',
        'notes.txt': 'bad file',
      });
      expect(summary.skipped.find((s: { reason: string }) => s.reason === 'bad file').message).toMatch(/truncated/);
      expect(existsSync(join(dataDir, 'face-stream.sqlite'))).toBe(true);

      // Again: everything is enrolled already; the readable summary says so.
      const again = await runCli(['enroll', input], { DATA_DIR: dataDir });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^enrolled 0 photo\(s\) of 0 people/);
      expect(again.stdout).toMatch(/duplicate \(already enrolled\): 10/);
    });

    it('skips a face too small to enroll', async () => {
      const dir = join(root, 'small');
      mkdirSync(dir);
      cpSync(photoOf('Kim_Clijsters', 1), join(dir, 'Kim_Clijsters.jpg'));
      const summary = json(await runCli(['enroll', dir, '--json'], { DATA_DIR: join(root, 'small-data'), ENROLL_MIN_FACE_PX: '200' }));
      expect(summary.enrolledPhotos).toBe(0);
      expect(summary.skipped).toEqual([expect.objectContaining({ reason: 'too small', message: expect.stringMatching(/at least 200 px/) })]);
    });

    it('recognizes the enrolled people in a frame-like still, and a stranger as Unknown', async () => {
      const frame = join(root, 'frame.jpg');
      writeFileSync(
        frame,
        frameWith([
          { file: photoOf('Gordon_Brown', 5), x: 150, y: 200 },
          { file: photoOf('Lance_Armstrong', 2), x: 850, y: 300 }, // never enrolled
        ]),
      );
      const run = await runCli(['recognize', frame], { DATA_DIR: dataDir });
      expect(run.code).toBe(0);
      const result = json(run);
      expect(result).toMatchObject({ width: 1280, height: 720, enrolledPeople: 3 });
      expect(result.enrolledVectors).toBeGreaterThanOrEqual(3);
      expect(result).toMatchObject(policyFor(EDGEFACE_RULE, result.enrolledVectors));
      const byX = [...result.faces].sort((a, b) => a.box[0] - b.box[0]);
      expect(byX).toHaveLength(2);
      expect(byX[0]).toMatchObject({ name: 'Gordon_Brown', personId: expect.any(Number) });
      expect(byX[0].similarity).toBeGreaterThanOrEqual(result.threshold);
      expect(byX[0].confidence).toBeGreaterThan(50);
      expect(byX[0].box[0]).toBeGreaterThanOrEqual(150);
      expect(byX[0].box[0] + byX[0].box[2]).toBeLessThanOrEqual(400);
      expect(byX[1]).toMatchObject({ name: 'Unknown', personId: null });
      expect(byX[1].similarity).toBeLessThan(0.3);
      expect(byX[1].confidence).toBeGreaterThan(50);
    });
  });

  it('verifies LFW fold 1 at >= 99 % (10-fold cross-validation inside the fold)', async () => {
    const run = await runCli(['verify-pairs', join(LFW, 'pairs.txt'), join(LFW, 'images'), '--json']);
    expect(run.code).toBe(0);
    const result = json(run);
    console.log(
      `verify-pairs: ${(100 * result.accuracy.mean).toFixed(2)} % ± ${(100 * result.accuracy.std).toFixed(2)}, threshold ${result.threshold.mean}, ` +
        `TPR ${result.tprAtFar.map((r: { tpr: number; targetFar: number }) => `${(100 * r.tpr).toFixed(1)} % @ FAR ${100 * r.targetFar} %`).join(', ')}, ` +
        `missed ${result.facesMissed}, ${result.msPerImage.median} ms/image median (p95 ${result.msPerImage.p95}), load ${result.machine.loadAvg1m}`,
    );
    expect(result).toMatchObject({ pairs: 600, samePairs: 300, images: 807, folds: { k: 10, kind: 'interleaved' } });
    expect(result.accuracy.mean).toBeGreaterThanOrEqual(0.99);
    expect(result.accuracy.perFold).toHaveLength(10);
    expect(result.facesMissed).toBeLessThanOrEqual(4);
    expect(result.tprAtFar[1].tpr).toBeGreaterThanOrEqual(0.97);
    expect(result.threshold.mean).toBeGreaterThan(0);
    expect(result.threshold.mean).toBeLessThan(0.5);
  });

  it("uses a pairs file's own folds when its header describes them", async () => {
    // 2 folds of 10 same + 10 different pairs, taken from fold 1.
    const lines = readFileSync(join(LFW, 'pairs.txt'), 'utf8').trim().split('\n');
    const file = join(root, 'pairs-2-folds.txt');
    writeFileSync(file, ['2\t10', ...lines.slice(0, 10), ...lines.slice(300, 310), ...lines.slice(10, 20), ...lines.slice(310, 320)].join('\n'));
    const result = json(await runCli(['verify-pairs', file, join(LFW, 'images'), '--json']));
    expect(result.folds).toEqual({ k: 2, kind: 'protocol' });
    expect(result.pairs).toBe(40);
    expect(result.accuracy.perFold).toHaveLength(2);
  });

  it('evaluates open-set identification on LFW fold 1 without touching any database', async () => {
    const dataDir = join(root, 'identify-data');
    const run = await runCli(['identify', join(LFW, 'images'), '--json'], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    const result = json(run);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    console.log(
      `identify: ${result.enrolledPeople} enrolled, ${result.knownProbes} known probes, ${result.strangerProbes} strangers; ` +
        `rank-1 ${pct(result.rates.rank1)}, named right ${pct(result.rates.knownNamedRight)}, wrong name ${pct(result.rates.wrongName)}, ` +
        `strangers named ${pct(result.rates.strangersNamed)} at ${result.policy.threshold}/${result.policy.margin}`,
    );
    // 435 people in 807 photos: 163 have two or more (1 enrolled + the rest probed), 272 have one.
    expect(result).toMatchObject({ photos: 807, people: 435, enrolledPeople: 163, galleryPhotos: 163, knownProbes: 372, strangerProbes: 272 });
    // The server's threshold for 163 enrolled vectors at 1 % strangers named.
    expect(result.policy).toEqual(policyFor(EDGEFACE_RULE, 163));
    expect(result.rates.rank1).toBeGreaterThanOrEqual(0.98);
    expect(result.rates.knownNamedRight).toBeGreaterThanOrEqual(0.96);
    expect(result.rates.knownNamedRight).toBeLessThanOrEqual(result.rates.rank1);
    expect(result.rates.wrongName).toBeLessThanOrEqual(0.01);
    expect(result.rates.strangersNamed).toBeLessThanOrEqual(0.02);
    // The tail fitted on the fold's different-person pairs is the engine default's.
    expect(result.impostorTail.at1Percent).toBeCloseTo(EDGEFACE_TAIL.at1Percent, 2);
    expect(result.impostorTail.decay).toBeCloseTo(EDGEFACE_TAIL.decay, 2);
    // The sweep: 0.20..0.50 by 0.02 plus the operating point; fewer strangers named and fewer known named as it rises.
    expect(result.sweep).toHaveLength(17);
    expect(result.sweep.find((row: { threshold: number }) => row.threshold === result.policy.threshold)).toMatchObject({
      knownNamedRight: result.counts.knownNamedRight,
      strangersNamed: result.counts.strangersNamed,
    });
    for (let i = 1; i < result.sweep.length; i++) {
      expect(result.sweep[i].strangersNamed).toBeLessThanOrEqual(result.sweep[i - 1].strangersNamed);
      expect(result.sweep[i].knownNamedRight).toBeLessThanOrEqual(result.sweep[i - 1].knownNamedRight);
    }
    expect(existsSync(dataDir)).toBe(false);
  });
});
