import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { configureApp } from '../../src/app.setup';
import { AuthModule } from '../../src/auth/auth.module';
import { DomainErrorFilter } from '../../src/common/domain-error.filter';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { PeopleModule } from '../../src/people/people.module';
import { iou } from '../../src/recognition/box-geometry';
import type { Box } from '../../src/recognition/face.types';
import { GalleryService } from '../../src/recognition/gallery.service';
import { RecognitionModule } from '../../src/recognition/recognition.module';
import { RecognizeModule } from '../../src/recognize/recognize.module';
import { TESTDATA } from '../support/paths';

jest.setTimeout(300_000);

const ADMIN_KEY = 'recognize-api-test-key-0123456789';
const MIN_FACE_PX = 40;
const testFile = (path: string) => new Uint8Array(readFileSync(path.startsWith('/') ? path : join(TESTDATA, path)));
/**
 * The 1927 Solvay conference photograph shows its 29 attendees, every face unobstructed and
 * turned to the camera, each over 50 px tall in this 2048x922 copy (above ENROLL_MIN_FACE_PX
 * and well within what the detector finds): every one of them must be found, and nothing else.
 */
const SOLVAY_ATTENDEES = 29;

/** POST /recognize as the server runs it: real models, real SQLite, real HTTP on a free port. */
async function startApp(dataDir: string, facesDir: string) {
  const env = { DATA_DIR: dataDir, FACES_DIR: facesDir, ADMIN_API_KEY: ADMIN_KEY, PUBLIC_READS: 'true', UPLOAD_MAX_BYTES: String(4 << 20), ENROLL_MIN_FACE_PX: String(MIN_FACE_PX) };
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }),
      DatabaseModule,
      AuthModule,
      RecognitionModule,
      PeopleModule,
      RecognizeModule,
    ],
    // The app registers the domain-error filter globally (in CamerasModule, not loaded here).
    providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
  }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${app.getHttpServer().address().port}`, db: app.get(DataSource), gallery: app.get(GalleryService) };
}

type TestApp = Awaited<ReturnType<typeof startApp>>;

async function post(t: TestApp, path: string, image: Uint8Array | undefined, fields: Record<string, string> = {}, withKey = false) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  // A generic content type: the server judges the format by the bytes.
  if (image) form.append('image', new Blob([image as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), 'photo.jpg');
  const response = await fetch(`${t.url}${path}`, { method: 'POST', body: form, headers: withKey ? { 'x-api-key': ADMIN_KEY } : {} });
  return { status: response.status, body: (await response.json()) as any };
}

const recognize = (t: TestApp, image: Uint8Array | undefined) => post(t, '/recognize', image);

interface Face {
  name: string;
  personId: number | null;
  similarity: number;
  confidence: number;
  box: number[];
  score: number;
}

/** (Arrays from fetch's JSON come from another realm: expect.any(Array) does not see them as arrays.) */
const ANY_BOX = [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)];
const toBox = ([x, y, width, height]: number[]): Box => ({ x, y, width, height });

/** Everything a request could change: rows, and every file of DATA_DIR with its content (SQLite's shared-memory index aside: readers write to it by design). */
async function storedState(t: TestApp, dataDir: string) {
  const count = async (table: string) => Number((await t.db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('-shm')) files[relative(dataDir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dataDir);
  return { people: await count('people'), samples: await count('face_samples'), gallery: t.gallery.size, files };
}

describe('POST /recognize', () => {
  let root: string;
  let dataDir: string;
  let t: TestApp;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'recognize-api-'));
    dataDir = join(root, 'data');
    mkdirSync(join(root, 'faces'));
    t = await startApp(dataDir, join(root, 'faces'));
  });

  afterAll(async () => {
    await t?.app.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('with nobody enrolled', () => {
    let solvay: Face[];

    it('finds every face of the Solvay 1927 group photo, all Unknown, without the admin key', async () => {
      const started = performance.now();
      const reply = await recognize(t, testFile('stills/solvay1927.jpg'));
      console.log(`solvay1927: ${reply.body.faces?.length} faces in ${(performance.now() - started).toFixed(0)} ms`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ width: 2048, height: 922, threshold: expect.any(Number) });
      solvay = reply.body.faces;
      expect(solvay).toHaveLength(SOLVAY_ATTENDEES);
      for (const face of solvay) {
        expect(face).toEqual({ name: 'Unknown', personId: null, similarity: 0, confidence: 100, box: ANY_BOX, score: expect.any(Number) });
        const [x, y, width, height] = face.box;
        expect(x >= 0 && y >= 0 && x + width <= 2048 + 1 && y + height <= 922 + 1).toBe(true);
        expect(height).toBeGreaterThanOrEqual(MIN_FACE_PX);
      }
      // 29 different faces, not one face found twice.
      for (let i = 0; i < solvay.length; i++) {
        for (let j = i + 1; j < solvay.length; j++) expect(iou(toBox(solvay[i].box), toBox(solvay[j].box))).toBeLessThan(0.3);
      }
      // Largest first (up to the rounding of the boxes to whole pixels).
      solvay.slice(1).forEach((face, i) => {
        const [, , w, h] = solvay[i].box;
        expect(face.box[2] * face.box[3]).toBeLessThanOrEqual((w + 1) * (h + 1));
      });
    });

    it('finds the same faces when they are small in a big photo (the group photo inside a 6000x4000 frame)', async () => {
      const framed = join(root, 'solvay-6000x4000.jpg');
      const [left, top] = [1976, 1539];
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(TESTDATA, 'stills/solvay1927.jpg'), '-vf', `pad=6000:4000:${left}:${top}:gray`, '-q:v', '3', framed]);
      const reply = await recognize(t, testFile(framed));
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ width: 6000, height: 4000 });
      expect(reply.body.faces).toHaveLength(solvay.length);
      // Each face is one of the group photo's, moved by the frame's offset.
      for (const face of reply.body.faces as Face[]) {
        const [x, y, width, height] = face.box;
        const moved = { x: x - left, y: y - top, width, height };
        expect(Math.max(...solvay.map((s) => iou(moved, toBox(s.box))))).toBeGreaterThan(0.6);
      }
    });
  });

  describe('with people enrolled (testdata/people: photo 1 of 15 of the 16)', () => {
    const people = readdirSync(join(TESTDATA, 'people')).sort();
    const stranger = people[people.length - 1];
    const enrolled = people.slice(0, -1);
    const ids = new Map<string, number>();
    let before: Awaited<ReturnType<typeof storedState>>;

    beforeAll(async () => {
      for (const name of enrolled) {
        // faceIndex 0, the largest face: the subject of an LFW photo (someone may stand behind them).
        const reply = await post(t, '/people', testFile(`people/${name}/${name}_0001.jpg`), { name, faceIndex: '0' }, true);
        expect(reply.status).toBe(201);
        ids.set(name, reply.body.id);
      }
      before = await storedState(t, dataDir);
      expect(before.people).toBe(enrolled.length);
    });

    afterEach(async () => {
      // A read: no row, no file, no gallery entry changed, whatever the answer.
      expect(await storedState(t, dataDir)).toEqual(before);
    });

    it.each(enrolled)('names %s on another photo of them (photo 2)', async (name) => {
      const reply = await recognize(t, testFile(`people/${name}/${name}_0002.jpg`));
      expect(reply.status).toBe(200);
      const [subject] = reply.body.faces as Face[];
      expect(subject).toMatchObject({ name, personId: ids.get(name) });
      expect(subject.similarity).toBeGreaterThanOrEqual(reply.body.threshold);
      expect(subject.confidence).toBeGreaterThan(50);
    });

    it(`answers Unknown for the one not enrolled (${stranger})`, async () => {
      const reply = await recognize(t, testFile(`people/${stranger}/${stranger}_0002.jpg`));
      expect(reply.status).toBe(200);
      expect(reply.body.faces[0]).toMatchObject({ name: 'Unknown', personId: null });
    });

    // Enrollment's table (README, "API"), file by file: every refusal is the status enrollment gives.
    const expected: Record<string, number> = {
      'empty.jpg': 400,
      'truncated.jpg': 400,
      'not-an-image.jpg': 415,
      'random-bytes.png': 415,
      'bomb-100000x100000.png': 413,
      'no-face.jpg': 422,
      'tiny-face.jpg': 422,
      // Unusual colour formats and EXIF rotation: one face, like any photo.
      'cmyk.jpg': 200,
      'gray.jpg': 200,
      'rgba.png': 200,
      'rotated-exif.jpg': 200,
    };

    it('answers every file of testdata/bad with enrollment’s status', async () => {
      const files = readdirSync(join(TESTDATA, 'bad')).sort();
      expect(files).toEqual(Object.keys(expected).sort()); // a new file needs its expected answer here
      const actual: Record<string, number> = {};
      for (const file of files) {
        const bytes = testFile(`bad/${file}`);
        const reply = await recognize(t, bytes);
        actual[file] = reply.status;
        if (reply.status === 200) {
          expect(reply.body.faces).toHaveLength(1);
          continue;
        }
        expect(reply.body).toEqual({ statusCode: reply.status, error: expect.any(String), message: expect.any(String) });
        // Enrollment refuses it the same way (and stores nothing either: checked after each test).
        expect((await post(t, '/people', bytes, { name: `Bad ${file}` }, true)).status).toBe(reply.status);
      }
      expect(actual).toEqual(expected);
    });

    it('refuses a request without an image (400) and one over UPLOAD_MAX_BYTES (413)', async () => {
      expect(await recognize(t, undefined)).toMatchObject({ status: 400, body: { message: 'image is required (multipart file field "image")' } });
      const tooBig = new Uint8Array((4 << 20) + 1);
      tooBig.set(testFile('stills/grace_hopper_512x512.jpg'));
      expect((await recognize(t, tooBig)).status).toBe(413);
    });

    it('is documented in the OpenAPI document as a read (no admin key), with an example', async () => {
      const document = await (await fetch(`${t.url}/docs/openapi.json`)).json();
      const operation = document.paths['/recognize'].post;
      expect(operation.security).toBeUndefined();
      expect(operation.responses['200'].content['application/json'].example.faces[0]).toMatchObject({ name: expect.any(String), box: ANY_BOX });
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '413', '415', '422']));
      expect(document.paths['/people'].post.security).toEqual([{ 'api-key': [] }, { session: [] }]);
    });
  });
});
