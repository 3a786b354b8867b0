import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';
import type { GroundTruth } from '../../src/bench/scoring';
import { runCli } from '../support/cli-process';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';
import { RunningServer, startServer } from '../support/server-process';

/**
 * Bring your own model, end to end, as a user would: the built server refuses a model without a
 * tail, the built CLI fits one on LFW fold 1, and the server then names the demo recording's people
 * with it. EdgeFace-XXS stands in for "your own model".
 */
jest.setTimeout(300_000);

const XXS = resolve(PROJECT_ROOT, '..', 'shared', 'models', 'edgeface_xxs.onnx');
const XXS_ID = 'edgeface_xxs.onnx@37271abcf5d7';
const VIDEO = join(TESTDATA, 'video', 'synth_720p.mp4');
const TRUTH: GroundTruth = JSON.parse(readFileSync(join(TESTDATA, 'video', 'synth_720p.ground_truth.json'), 'utf8'));
const ENROLLED_AND_SEEN = ['Colin_Powell', 'Junichiro_Koizumi', 'Serena_Williams'];

interface EventFace {
  name: string;
  box: number[];
}


/** Every face of every recognition event for `ms`, with the frame it was on. */
function collectEvents(url: string, ms: number): Promise<Array<{ frameIndex: number; faces: EventFace[] }>> {
  const socket = io(url, { transports: ['websocket'] });
  const events: Array<{ frameIndex: number; faces: EventFace[] }> = [];
  socket.on('recognition', (event: { frameIndex: number; faces: EventFace[] }) => events.push(event));
  return new Promise((done) =>
    setTimeout(() => {
      socket.close();
      done(events);
    }, ms),
  );
}

const centreInside = (box: number[], tile: number[]) => {
  const [cx, cy] = [box[0] + box[2] / 2, box[1] + box[3] / 2];
  return cx >= tile[0] && cx <= tile[0] + tile[2] && cy >= tile[1] && cy <= tile[1] + tile[3];
};

describe('bring your own embedding model (EdgeFace-XXS), end to end', () => {
  const root = mkdtempSync(join(tmpdir(), 'own-model-e2e-'));
  const model = join(root, 'models', 'edgeface_xxs.onnx');
  const tailFile = `${model}.tail.json`;
  let server: RunningServer | undefined;

  beforeAll(() => {
    mkdirSync(join(root, 'models'));
    copyFileSync(XXS, model);
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('the server refuses to start with the model before its tail is fitted, saying how to fit one', async () => {
    const start = startServer({ EMBEDDING_MODEL: model });
    await expect(start).rejects.toThrow(/server exited early \(1\)/);
    const message = String(await start.catch((err: Error) => err.message));
    expect(message).toContain(`EMBEDDING_MODEL=${model} (model ${XXS_ID}) has no fitted different-person tail`);
    expect(message).toContain('npm run cli -- identify');
    expect(message).toContain('--fit');
    expect(message).toContain('MATCH_THRESHOLD');
  });

  it('the CLI says what to do when a tail is needed, and fits only a model of your own', async () => {
    const people = join(TESTDATA, 'people');
    const unfitted = await runCli(['identify', people], { EMBEDDING_MODEL: model });
    expect(unfitted.code).toBe(1);
    expect(unfitted.stderr).toMatch(/EMBEDDING_MODEL has no fitted different-person tail, so there is no threshold to test: add --fit .*, or --threshold/);
    const bundled = await runCli(['identify', people, '--fit'], {});
    expect(bundled.code).toBe(1);
    expect(bundled.stderr).toContain('--fit fits the different-person tail of EMBEDDING_MODEL, a model of your own');
    expect(existsSync(tailFile)).toBe(false);
  });

  it('`identify DIR --fit` fits the tail on LFW fold 1 and writes it next to the model', async () => {
    const run = await runCli(['identify', join(TESTDATA, 'lfw-fold1', 'images'), '--fit', '--json'], { EMBEDDING_MODEL: model });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ modelId: `yunet-2023mar+${XXS_ID}`, tailFile });
    const tail = JSON.parse(readFileSync(tailFile, 'utf8'));
    expect(tail).toMatchObject({ modelId: XXS_ID, pairs: report.impostorTail.pairs, photos: 807 });
    expect(tail.pairs).toBeGreaterThan(300_000);
    expect(tail.at1Percent).toBeCloseTo(report.impostorTail.at1Percent, 3);
    // With the fitted tail the operating point keeps strangers near the 1 % asked for, and names no one wrongly.
    console.log(`XXS identify on fold 1 at ${report.policy.threshold}: known named right ${report.rates.knownNamedRight}, strangers named ${report.rates.strangersNamed}`);
    expect(report.rates.strangersNamed).toBeLessThanOrEqual(0.02);
    expect(report.counts.wrongName).toBe(0);
    expect(report.rates.knownNamedRight).toBeGreaterThanOrEqual(0.93);
  });

  it('with its tail, the server enrolls the demo people with the model and names them on the demo recording', async () => {
    expect(existsSync(tailFile)).toBe(true);
    server = await startServer({ EMBEDDING_MODEL: model, FACES_DIR: join(TESTDATA, 'video', 'enroll'), CAMERA_SOURCE: VIDEO });
    expect(server.output()).toContain(`different-person tail ${tailFile}`);
    const people: Array<{ name: string; faces: Array<{ modelId: string }> }> = await (await fetch(`${server.url}/people`)).json();
    expect(people.map((p) => p.name).sort()).toEqual(['Colin_Powell', 'Hugo_Chavez', 'Junichiro_Koizumi', 'Serena_Williams']);
    for (const person of people) expect(person.faces.map((s) => s.modelId)).toEqual([`yunet-2023mar+${XXS_ID}`]);

    // A little more than one pass of the 10 s recording.
    const events = await collectEvents(server.url, 12_000);
    const faces = events.flatMap((e) => e.faces.map((face) => ({ ...face, frame: e.frameIndex % TRUTH.frames.length })));
    const named = new Set(faces.map((f) => f.name));
    expect([...named].filter((n) => n !== 'Unknown').sort()).toEqual(ENROLLED_AND_SEEN);
    // Tony_Blair is on screen but not enrolled.
    expect(named.has('Unknown')).toBe(true);
    // Each name stands where that person is on the recording, by its ground truth.
    let checked = 0;
    const wrong: string[] = [];
    for (const face of faces) {
      const truth = TRUTH.frames[face.frame]?.faces.find((t) => centreInside(face.box, t.tile_box));
      if (!truth) continue;
      checked++;
      const expected = truth.enrolled ? truth.identity : 'Unknown';
      if (face.name !== 'Unknown' && face.name !== expected) wrong.push(`frame ${face.frame}: ${face.name} where ${truth.identity} is`);
    }
    const right = faces.filter((f) => TRUTH.frames[f.frame]?.faces.some((t) => centreInside(f.box, t.tile_box) && f.name === (t.enrolled ? t.identity : 'Unknown'))).length;
    console.log(`XXS on the demo recording through the server: ${right}/${checked} recognised faces named right, ${wrong.length} wrong`);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(right / checked).toBeGreaterThanOrEqual(0.9);
  });
});
