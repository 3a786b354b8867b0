import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { INestApplication, Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { configureApp } from '../../src/app.setup';
import { AuthModule } from '../../src/auth/auth.module';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { iou as boxOverlap } from '../../src/recognition/box-geometry';
import { PeopleModule } from '../../src/people/people.module';
import type { Box } from '../../src/recognition/face.types';
import { GalleryService } from '../../src/recognition/gallery.service';
import { RecognitionModule } from '../../src/recognition/recognition.module';
import { RecognitionService } from '../../src/recognition/recognition.service';
import { FaceSample } from '../../src/people/entities/face-sample.entity';
import { Person } from '../../src/people/entities/person.entity';
import { TESTDATA } from '../support/paths';
import { STORE_DIALECTS, useStores } from '../support/store-dialects';

jest.setTimeout(300_000);

const UPLOAD_MAX_BYTES = 1024 * 1024;
const ADMIN_KEY = 'people-api-test-key-0123456789';
const testFile = (relative: string) => new Uint8Array(readFileSync(join(TESTDATA, relative)));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');


interface TestApp {
  app: INestApplication;
  url: string;
  dataDir: string;
  db: DataSource;
  gallery: GalleryService;
  recognition: RecognitionService;
}

const storeFor = useStores();
type Store = Awaited<ReturnType<typeof storeFor>>;

/** The people module as the server runs it: real store (SQLite file or PostgreSQL), real models, real HTTP on a free port. */
async function startApp(store: Store, facesDir: string): Promise<TestApp> {
  const dataDir = store.DATA_DIR;
  // The admin key guard as the server runs it; the rate limits out of the way of this many requests.
  const env = {
    ...store,
    FACES_DIR: facesDir,
    UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
    ADMIN_API_KEY: ADMIN_KEY, PUBLIC_READS: 'true',
    RATE_LIMIT_MAX: '100000',
    RATE_LIMIT_WRITE_MAX: '100000',
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }),
      DatabaseModule,
      AuthModule,
      RecognitionModule,
      PeopleModule,
    ],
  })
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    db: app.get(DataSource),
    gallery: app.get(GalleryService),
    recognition: app.get(RecognitionService),
  };
}

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** A request with the admin key, unless `init.headers` gives another (`''`: none at all). */
async function send(t: TestApp, method: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'x-api-key': ADMIN_KEY, ...(init.headers as Record<string, string>) };
  if (headers['x-api-key'] === '') delete headers['x-api-key'];
  const response = await fetch(`${t.url}${path}`, { method, ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get('content-type')?.includes('application/json')) body = JSON.parse(text);
  return { status: response.status, body, headers: response.headers };
}

function sendJson(t: TestApp, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(t, method, path, body === undefined ? { headers } : { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A multipart POST like a browser form: text fields plus the photo as the file field `image`. */
function upload(t: TestApp, path: string, fields: Record<string, string>, image?: Uint8Array<ArrayBuffer>, fileName = 'photo.jpg'): Promise<Reply> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  // Deliberately a generic content type: the server must judge the format by the bytes.
  if (image) form.append('image', new Blob([image], { type: 'application/octet-stream' }), fileName);
  return send(t, 'POST', path, { body: form });
}

const onPostgres = (t: TestApp) => t.db.options.type === 'postgres';

/** The names in a photo store's folder: files in DATA_DIR (SQLite), rows of photo_files (PostgreSQL). */
async function storedNames(t: TestApp, folder: 'photos' | 'thumbnails'): Promise<string[]> {
  if (onPostgres(t)) return (await t.db.query('SELECT name FROM photo_files WHERE kind = $1 ORDER BY name', [folder])).map((row: { name: string }) => row.name);
  return existsSync(join(t.dataDir, folder)) ? readdirSync(join(t.dataDir, folder)).sort() : [];
}

/** A stored photo's bytes, or undefined. */
async function storedBytes(t: TestApp, folder: 'photos' | 'thumbnails', name: string): Promise<Buffer | undefined> {
  if (onPostgres(t)) return (await t.db.query('SELECT bytes FROM photo_files WHERE kind = $1 AND name = $2', [folder, name]))[0]?.bytes;
  const path = join(t.dataDir, folder, name);
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** Everything an enrollment could leave behind: rows in both tables and stored photos in both folders. */
async function storedState(t: TestApp) {
  const count = async (table: string) => Number((await t.db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return { people: await count('people'), samples: await count('face_samples'), photos: await storedNames(t, 'photos'), thumbnails: await storedNames(t, 'thumbnails') };
}

/** A photo twice, side by side (a JPEG twice as wide). */
async function sideBySide(photo: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const image = await loadImage(Buffer.from(photo));
  const canvas = createCanvas(image.width * 2, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  context.drawImage(image, image.width, 0);
  return new Uint8Array(await canvas.encode('jpeg', 92));
}

async function embeddingOf(t: TestApp, relative: string): Promise<Float32Array> {
  const { faces } = await t.recognition.analyzePhoto(testFile(relative));
  return faces[0].embedding;
}

function whoIs(t: TestApp, embedding: Float32Array) {
  return t.gallery.match(embedding, t.recognition.matchPolicy);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

describe.each(STORE_DIALECTS)('People REST API (%s store)', (dialect) => {
  let root: string;
  let t: TestApp;
  let grace: { id: number; faceId: number; embedding: Float32Array };
  const GRACE_PHOTO = 'stills/grace_hopper_512x512.jpg';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'people-api-'));
    mkdirSync(join(root, 'faces'));
    t = await startApp(await storeFor(dialect, join(root, 'data')), join(root, 'faces'));
  });

  afterAll(async () => {
    await t?.app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts empty', async () => {
    expect(await sendJson(t, 'GET', '/people')).toMatchObject({ status: 200, body: [] });
    expect(t.gallery.size).toBe(0);
  });

  it('enrolls a person from a photo: row, files, gallery', async () => {
    const photo = testFile(GRACE_PHOTO);
    const before = Date.now();
    const { status, body } = await upload(t, '/people', { name: '  Grace Hopper ' }, photo, 'whatever.png');
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.any(Number),
      name: 'Grace Hopper',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      faces: [
        {
          id: expect.any(Number),
          box: { x: expect.any(Number), y: expect.any(Number), width: expect.any(Number), height: expect.any(Number) },
          modelId: t.recognition.engine.modelId,
          photoSha256: sha256(photo),
          createdAt: expect.any(String),
          thumbnailUrl: `/people/${body.id}/faces/${body.faces[0].id}/thumbnail`,
          quality: { size: 1, sharpness: expect.any(Number), pose: expect.any(Number), overall: expect.any(Number) },
        },
      ],
      enrolledFace: {
        index: 0,
        box: { x: Math.round(body.faces[0].box.x), y: Math.round(body.faces[0].box.y), width: Math.round(body.faces[0].box.width), height: Math.round(body.faces[0].box.height) },
        facesFound: 1,
        reason: 'only',
        ignored: [],
        message: 'enrolled the only face (index 0)',
      },
    });
    // Timestamps are real UTC instants (SQLite stores them without a zone).
    expect(Math.abs(Date.parse(body.createdAt) - before)).toBeLessThan(60_000);
    expect(body.faces[0].box.height).toBeGreaterThan(150);
    // A sharp, frontal portrait: a good view, measured at enrollment.
    expect(body.faces[0].quality.overall).toBeGreaterThan(0.6);

    const state = await storedState(t);
    expect(state).toMatchObject({ people: 1, samples: 1 });
    expect(state.photos).toHaveLength(1);
    expect(state.thumbnails).toHaveLength(1);
    // Stored as uploaded, under a generated name with the extension of the real format.
    expect(state.photos[0]).toMatch(/^[0-9a-f-]{36}\.jpg$/);
    expect(await storedBytes(t, 'photos', state.photos[0])).toEqual(Buffer.from(photo));
    // With PostgreSQL the photos are in the database, for every node: nothing in DATA_DIR.
    if (onPostgres(t)) expect(existsSync(join(t.dataDir, 'photos'))).toBe(false);

    // On the live stream at once.
    const embedding = await embeddingOf(t, GRACE_PHOTO);
    expect(whoIs(t, embedding)).toMatchObject({ personId: body.id, name: 'Grace Hopper' });
    expect(t.gallery.size).toBe(1);
    grace = { id: body.id, faceId: body.faces[0].id, embedding };
  });

  it('lists people and gets one', async () => {
    const list = await sendJson(t, 'GET', '/people');
    expect(list.status).toBe(200);
    expect(list.body.map((p: any) => p.name)).toEqual(['Grace Hopper']);
    const one = await sendJson(t, 'GET', `/people/${grace.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list.body[0]);
  });

  it('serves the face thumbnail as a JPEG', async () => {
    const response = await fetch(`${t.url}/people/${grace.id}/faces/${grace.faceId}/thumbnail`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect([bytes[bytes.length - 2], bytes[bytes.length - 1]]).toEqual([0xff, 0xd9]);
  });

  it('refuses a duplicate name, whatever its case, with 409 and stores nothing', async () => {
    const before = await storedState(t);
    const { status, body } = await upload(t, '/people', { name: 'GRACE hopper' }, testFile('people/Ann_Veneman/Ann_Veneman_0001.jpg'));
    expect(status).toBe(409);
    expect(body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringMatching(/already exists/) });
    expect(await storedState(t)).toEqual(before);
  });

  it('lets only one of two simultaneous enrollments with one name through, and leaves no files from the other', async () => {
    const before = await storedState(t);
    const replies = await Promise.all([
      upload(t, '/people', { name: 'Twin' }, testFile('video/enroll/Colin_Powell.jpg')),
      upload(t, '/people', { name: 'twin' }, testFile('video/enroll/Hugo_Chavez.jpg')),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const after = await storedState(t);
    expect(after).toMatchObject({ people: before.people + 1, samples: before.samples + 1 });
    expect(after.photos).toHaveLength(before.photos.length + 1);
    expect(after.thumbnails).toHaveLength(before.thumbnails.length + 1);
    const twin = replies.find((r) => r.status === 201)!.body;
    expect(t.gallery.nameOf(twin.id)).toBe(twin.name);
    expect((await sendJson(t, 'DELETE', `/people/${twin.id}`)).status).toBe(204);
    expect(await storedState(t)).toEqual(before);
  });

  it('renames a person, and the stream shows the new name', async () => {
    const { status, body } = await sendJson(t, 'PATCH', `/people/${grace.id}`, { name: ' Amazing Grace ' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: grace.id, name: 'Amazing Grace', faces: [{ id: grace.faceId }] });
    expect((await sendJson(t, 'GET', `/people/${grace.id}`)).body.name).toBe('Amazing Grace');
    expect(whoIs(t, grace.embedding).name).toBe('Amazing Grace');
    // Her own name in another case is not a conflict.
    expect((await sendJson(t, 'PATCH', `/people/${grace.id}`, { name: 'amazing grace' })).status).toBe(200);
    expect((await sendJson(t, 'PATCH', `/people/${grace.id}`, { name: 'Amazing Grace' })).status).toBe(200);
  });

  it.each([
    ['empty', { name: '' }, /must not be empty/],
    ['blank', { name: '   ' }, /must not be empty/],
    ['101 characters', { name: 'x'.repeat(101) }, /at most 100/],
    ['a control character', { name: 'Grace\u0007Hopper' }, /control characters/],
    ['a newline', { name: 'Grace\nHopper' }, /control characters/],
    ['not a string', { name: 42 }, /must be a string/],
    ['missing', {}, /name is required/],
    ['an unknown field', { name: 'Ok', admin: true }, /should not exist/],
  ])('refuses a rename with a name that is %s (400)', async (_, body, message) => {
    const reply = await sendJson(t, 'PATCH', `/people/${grace.id}`, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(reply.body.message.join('\n')).toMatch(message);
    expect((await sendJson(t, 'GET', `/people/${grace.id}`)).body.name).toBe('Amazing Grace');
  });

  it('accepts a name of exactly 100 characters', async () => {
    const name = 'é'.repeat(100);
    expect((await sendJson(t, 'PATCH', `/people/${grace.id}`, { name })).body.name).toBe(name);
    expect((await sendJson(t, 'PATCH', `/people/${grace.id}`, { name: 'Amazing Grace' })).status).toBe(200);
  });

  describe('faces of a person', () => {
    let ann: { id: number; firstFaceId: number };

    it('adds a photo to a person, deletes it again, and keeps the last one', async () => {
      const created = await upload(t, '/people', { name: 'Ann Veneman' }, testFile('people/Ann_Veneman/Ann_Veneman_0001.jpg'));
      expect(created.status).toBe(201);
      ann = { id: created.body.id, firstFaceId: created.body.faces[0].id };
      const gallerySize = t.gallery.size;
      const before = await storedState(t);

      // This photo has someone else at its edge: the subject is taken, and the answer says so.
      const second = testFile('people/Ann_Veneman/Ann_Veneman_0002.jpg');
      const { faces: found } = await t.recognition.analyzePhoto(second);
      expect(found.length).toBeGreaterThanOrEqual(2);
      const added = await upload(t, `/people/${ann.id}/faces`, {}, second);
      expect(added.status).toBe(201);
      expect(added.body.enrolledFace).toMatchObject({ index: 0, reason: 'dominant', facesFound: found.length });
      expect(added.body.enrolledFace.ignored).toHaveLength(found.length - 1);
      expect(boxOverlap(added.body.faces[1].box, found[0].box)).toBeGreaterThan(0.95);
      expect(added.body.faces.map((f: any) => f.id)).toEqual([ann.firstFaceId, expect.any(Number)]);
      const addedFaceId = added.body.faces[1].id;
      expect(t.gallery.size).toBe(gallerySize + 1);
      const withTwo = await storedState(t);
      expect(withTwo).toMatchObject({ samples: before.samples + 1 });
      expect(withTwo.photos).toHaveLength(before.photos.length + 1);
      expect(whoIs(t, await embeddingOf(t, 'people/Ann_Veneman/Ann_Veneman_0003.jpg')).name).toBe('Ann Veneman');

      expect((await sendJson(t, 'DELETE', `/people/${ann.id}/faces/${addedFaceId}`)).status).toBe(204);
      expect(t.gallery.size).toBe(gallerySize);
      expect(await storedState(t)).toEqual(before);
      expect((await sendJson(t, 'GET', `/people/${ann.id}`)).body.faces.map((f: any) => f.id)).toEqual([ann.firstFaceId]);
      expect((await sendJson(t, 'DELETE', `/people/${ann.id}/faces/${addedFaceId}`)).status).toBe(404);

      const last = await sendJson(t, 'DELETE', `/people/${ann.id}/faces/${ann.firstFaceId}`);
      expect(last).toMatchObject({ status: 409, body: { statusCode: 409, message: expect.stringMatching(/last face/) } });
      expect(await storedState(t)).toEqual(before);
    });

    it('refuses to rename someone to a name another person has (409)', async () => {
      const reply = await sendJson(t, 'PATCH', `/people/${ann.id}`, { name: 'AMAZING GRACE' });
      expect(reply).toMatchObject({ status: 409, body: { error: 'Conflict' } });
      expect((await sendJson(t, 'GET', `/people/${ann.id}`)).body.name).toBe('Ann Veneman');
    });

    it('does not let a face be read or deleted through another person', async () => {
      expect((await fetch(`${t.url}/people/${ann.id}/faces/${grace.faceId}/thumbnail`)).status).toBe(404);
      expect((await sendJson(t, 'DELETE', `/people/${ann.id}/faces/${grace.faceId}`)).status).toBe(404);
      expect((await sendJson(t, 'GET', `/people/${grace.id}`)).body.faces).toHaveLength(1);
    });
  });

  it('answers 404 for unknown people and faces, 400 for ids that are not numbers', async () => {
    const missing = 999_999;
    const notFound = [
      await sendJson(t, 'GET', `/people/${missing}`),
      await sendJson(t, 'PATCH', `/people/${missing}`, { name: 'Nobody' }),
      await sendJson(t, 'DELETE', `/people/${missing}`),
      await upload(t, `/people/${missing}/faces`, {}, testFile(GRACE_PHOTO)),
      await sendJson(t, 'DELETE', `/people/${grace.id}/faces/${missing}`),
      await sendJson(t, 'GET', `/people/${grace.id}/faces/${missing}/thumbnail`),
    ];
    for (const reply of notFound) expect(reply).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
    expect(notFound[0].body.message).toBe(`person ${missing} not found`);
    expect((await sendJson(t, 'GET', '/people/abc')).status).toBe(400);
    expect((await sendJson(t, 'DELETE', `/people/${grace.id}/faces/x`)).status).toBe(400);
  });

  it('refuses every change without the admin key, or with a wrong one (401, JSON), and changes nothing', async () => {
    const before = await storedState(t);
    const noKey = { 'x-api-key': '' };
    const wrongKey = { 'x-api-key': `${ADMIN_KEY}x` };
    const form = () => {
      const f = new FormData();
      f.append('name', 'Intruder');
      f.append('image', new Blob([testFile(GRACE_PHOTO)]), 'g.jpg');
      return f;
    };
    for (const headers of [noKey, wrongKey]) {
      const replies = [
        await send(t, 'POST', '/people', { body: form(), headers }),
        await send(t, 'POST', `/people/${grace.id}/faces`, { body: form(), headers }),
        await sendJson(t, 'PATCH', `/people/${grace.id}`, { name: 'Renamed' }, headers),
        await sendJson(t, 'DELETE', `/people/${grace.id}/faces/${grace.faceId}`, undefined, headers),
        await sendJson(t, 'DELETE', `/people/${grace.id}`, undefined, headers),
      ];
      for (const reply of replies) {
        expect(reply).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/x-api-key/) } });
      }
    }
    // Reads stay open with PUBLIC_READS (an empty key header is no key).
    expect((await sendJson(t, 'GET', `/people/${grace.id}`, undefined, noKey)).status).toBe(200);
    expect(await storedState(t)).toEqual(before);
    expect(whoIs(t, grace.embedding).name).toBe('Amazing Grace');
  });

  describe('refusals change nothing', () => {
    let before: Awaited<ReturnType<typeof storedState>>;
    let gallerySize: number;

    beforeAll(async () => {
      before = await storedState(t);
      gallerySize = t.gallery.size;
    });

    afterEach(async () => {
      expect(await storedState(t)).toEqual(before);
      expect(t.gallery.size).toBe(gallerySize);
    });

    // testdata/bad's table, as this server answers it.
    it.each([
      ['empty.jpg', 400, /image is empty/],
      ['truncated.jpg', 400, /truncated/],
      ['not-an-image.jpg', 415, /not an image/],
      ['random-bytes.png', 415, /not an image/],
      ['bomb-100000x100000.png', 413, /100000x100000/],
      ['no-face.jpg', 422, /^no face found$/],
      // 24x24 pixels: the detector finds no face at all, so it is refused as face-less.
      ['tiny-face.jpg', 422, /no face found|too small/],
    ])('bad/%s → %i', async (file, status, message) => {
      const reply = await upload(t, '/people', { name: `Bad ${file}` }, testFile(`bad/${file}`), file);
      expect(reply.status).toBe(status);
      expect(reply.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message) });
      // The same refusal when adding a face to someone.
      expect((await upload(t, `/people/${grace.id}/faces`, {}, testFile(`bad/${file}`), file)).status).toBe(status);
    });

    it('refuses more than UPLOAD_MAX_BYTES with 413 while receiving', async () => {
      const photo = testFile(GRACE_PHOTO);
      const padded = new Uint8Array(UPLOAD_MAX_BYTES + 1);
      padded.set(photo);
      const reply = await upload(t, '/people', { name: 'Too Big' }, padded);
      expect(reply).toMatchObject({ status: 413, body: { statusCode: 413, error: 'Payload Too Large' } });
    });

    it('refuses a photo with several faces and no faceIndex (422), listing the faces', async () => {
      const reply = await upload(t, '/people', { name: 'Solvay' }, testFile('stills/solvay1927.jpg'));
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', message: expect.stringMatching(/faceIndex/) });
      expect(reply.body.faces.length).toBeGreaterThanOrEqual(20);
      reply.body.faces.forEach((face: any, index: number) =>
        expect(face).toEqual({
          index,
          box: { x: expect.any(Number), y: expect.any(Number), width: expect.any(Number), height: expect.any(Number) },
          score: expect.any(Number),
        }),
      );
    });

    it('refuses a photo of two faces where neither clearly is the subject (422), listing both', async () => {
      // Two faces side by side, both near the centre, neither larger: the photo next to itself.
      const pair = await sideBySide(testFile(GRACE_PHOTO));
      const before = await storedState(t);
      const reply = await upload(t, '/people', { name: 'Pair' }, pair);
      expect(reply.status).toBe(422);
      expect(reply.body.message).toMatch(/2 faces found and none clearly the subject/);
      expect(reply.body.faces).toHaveLength(2);
      expect(await storedState(t)).toEqual(before);
    });

    it('refuses a faceIndex past the faces found (422)', async () => {
      const reply = await upload(t, '/people', { name: 'Solvay', faceIndex: '99' }, testFile('stills/solvay1927.jpg'));
      expect(reply.status).toBe(422);
      expect(reply.body.message).toMatch(/out of range/);
      expect(reply.body.faces.length).toBeGreaterThanOrEqual(20);
    });

    it.each([
      ['no name', {}, GRACE_PHOTO, /name is required/],
      ['no image', { name: 'No Photo' }, undefined, /image is required/],
      ['a faceIndex that is not a number', { name: 'X', faceIndex: 'first' }, GRACE_PHOTO, /faceIndex must be an integer/],
      ['a negative faceIndex', { name: 'X', faceIndex: '-1' }, GRACE_PHOTO, /faceIndex must not be less than 0/],
      ['an unknown field', { name: 'X', role: 'admin' }, GRACE_PHOTO, /property role should not exist/],
      ['a control character in the name', { name: 'X\u0000Y' }, GRACE_PHOTO, /control characters/],
    ])('refuses an enrollment with %s (400)', async (_, fields, photo, message) => {
      const reply = await upload(t, '/people', fields as Record<string, string>, photo ? testFile(photo) : undefined);
      expect(reply.status).toBe(400);
      expect([reply.body.message].flat().join('\n')).toMatch(message);
    });

    it('refuses the photo under another field name (400)', async () => {
      const form = new FormData();
      form.append('name', 'Wrong Field');
      form.append('photo', new Blob([testFile(GRACE_PHOTO)]), 'g.jpg');
      expect((await send(t, 'POST', '/people', { body: form })).status).toBe(400);
    });
  });

  it('enrolls CMYK, grey, RGBA and EXIF-rotated photos like any other, the rotated one upright', async () => {
    const boxes: Record<string, Box> = {};
    for (const file of ['cmyk.jpg', 'gray.jpg', 'rgba.png', 'rotated-exif.jpg']) {
      const reply = await upload(t, '/people', { name: `Format ${file}` }, testFile(`bad/${file}`), file);
      expect(reply.status).toBe(201);
      expect(reply.body.faces).toHaveLength(1);
      boxes[file] = reply.body.faces[0].box;
      expect((await sendJson(t, 'DELETE', `/people/${reply.body.id}`)).status).toBe(204);
    }
    // The four are one photo; a rotation that was not undone would put the face box elsewhere.
    expect(boxOverlap(boxes['rotated-exif.jpg'], boxes['cmyk.jpg'])).toBeGreaterThan(0.9);
  });

  it('enrolls one face of a group photo when faceIndex says which', async () => {
    const refused = await upload(t, '/people', { name: 'Solvay Guest' }, testFile('stills/solvay1927.jpg'));
    const wanted = refused.body.faces[3];
    const reply = await upload(t, '/people', { name: 'Solvay Guest', faceIndex: '3' }, testFile('stills/solvay1927.jpg'));
    expect(reply.status).toBe(201);
    expect(boxOverlap(reply.body.faces[0].box, wanted.box)).toBeGreaterThan(0.95);
    const first = await upload(t, `/people/${reply.body.id}/faces`, { faceIndex: '0' }, testFile('stills/solvay1927.jpg'));
    expect(first.status).toBe(201);
    expect(boxOverlap(first.body.faces[1].box, refused.body.faces[0].box)).toBeGreaterThan(0.95);
  });

  describe('a photo with a sliver of someone else at its edge (testdata/people photo 1)', () => {
    it.each(['Jennifer_Garner', 'Jeremy_Greenstock', 'Kim_Clijsters'])('enrolls the subject of %s and says the others were ignored', async (name) => {
      const photo = testFile(`people/${name}/${name}_0001.jpg`);
      const { faces } = await t.recognition.analyzePhoto(photo);
      expect(faces.length).toBeGreaterThanOrEqual(2);
      const reply = await upload(t, '/people', { name: `${name} (dominant)` }, photo);
      expect(reply.status).toBe(201);
      expect(reply.body.enrolledFace).toMatchObject({ index: 0, facesFound: faces.length, reason: 'dominant' });
      expect(reply.body.enrolledFace.ignored.map((f: any) => f.index)).toEqual(faces.slice(1).map((_, i) => i + 1));
      expect(reply.body.enrolledFace.message).toMatch(/largest, central face .* ignored/);
      // The subject is enrolled, not a bystander: another photo of the same person is named after it.
      const second = await embeddingOf(t, `people/${name}/${name}_0002.jpg`);
      expect(whoIs(t, second)).toMatchObject({ personId: reply.body.id });
      expect(boxOverlap(reply.body.faces[0].box, faces[0].box)).toBeGreaterThan(0.9);
      await send(t, 'DELETE', `/people/${reply.body.id}`);
    });
  });

  it('deletes a person with their rows and stored files, and the stream forgets them', async () => {
    const files = await t.db.getRepository(FaceSample).findBy({ personId: grace.id });
    expect(files).toHaveLength(1);
    const photo = () => storedBytes(t, 'photos', files[0].photoFile);
    const thumbnail = () => storedBytes(t, 'thumbnails', files[0].thumbnailFile);
    expect((await photo()) && (await thumbnail())).toBeDefined();
    const before = await storedState(t);

    expect((await sendJson(t, 'DELETE', `/people/${grace.id}`)).status).toBe(204);

    expect((await sendJson(t, 'GET', `/people/${grace.id}`)).status).toBe(404);
    expect(await t.db.getRepository(Person).findBy({ id: grace.id })).toEqual([]);
    expect(await t.db.getRepository(FaceSample).findBy({ personId: grace.id })).toEqual([]);
    expect(await photo()).toBeUndefined();
    expect(await thumbnail()).toBeUndefined();
    const after = await storedState(t);
    expect(after).toMatchObject({ people: before.people - 1, samples: before.samples - 1 });
    expect(after.photos).toEqual(before.photos.filter((name) => name !== files[0].photoFile));
    expect(t.gallery.nameOf(grace.id)).toBeUndefined();
    expect(whoIs(t, grace.embedding).personId).not.toBe(grace.id);
    expect((await sendJson(t, 'DELETE', `/people/${grace.id}`)).status).toBe(404);
  });

  it('documents every route, its statuses and the error bodies in Swagger', async () => {
    const { status, body: doc } = await sendJson(t, 'GET', '/docs/openapi.json');
    expect(status).toBe(200);
    const codes = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    // Every route may answer 429 (rate limit); the ones that change data also 401 (no admin key) and 403 (the viewer key); reads are open here (PUBLIC_READS).
    expect(codes('/people', 'get')).toEqual(['200', '429']);
    expect(codes('/people', 'post')).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '429']);
    expect(codes('/people/{id}', 'get')).toEqual(['200', '400', '404', '429']);
    expect(codes('/people/{id}', 'patch')).toEqual(['200', '400', '401', '403', '404', '409', '429']);
    expect(codes('/people/{id}', 'delete')).toEqual(['204', '400', '401', '403', '404', '429']);
    expect(codes('/people/{id}/faces', 'post')).toEqual(['201', '400', '401', '403', '404', '413', '415', '422', '429']);
    expect(codes('/people/{id}/faces/{faceId}', 'delete')).toEqual(['204', '400', '401', '403', '404', '409', '429']);
    expect(codes('/people/{id}/faces/{faceId}/thumbnail', 'get')).toEqual(['200', '400', '404', '429']);
    expect(doc.paths['/people'].post.security).toEqual([{ 'api-key': [] }, { session: [] }]);
    expect(doc.paths['/people'].get.security).toBeUndefined();
    expect(doc.components.securitySchemes['api-key']).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }));
    expect(doc.paths['/people'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect(doc.paths['/people/{id}/faces/{faceId}/thumbnail'].get.responses['200'].content['image/jpeg']).toBeDefined();
    expect(doc.components.schemas.ErrorResponseDto.required).toEqual(expect.arrayContaining(['statusCode', 'message', 'error']));
    expect(doc.components.schemas.EnrollmentErrorDto.properties.faces).toBeDefined();
    expect(Object.keys(doc.components.schemas.CreatePersonForm.properties).sort()).toEqual(['faceIndex', 'image', 'name']);
  });
});

describe.each(STORE_DIALECTS)('People at startup: FACES_DIR and restarts (%s store)', (dialect) => {
  const ENROLL = join(TESTDATA, 'video', 'enroll');
  const NAMES = ['Colin_Powell', 'Hugo_Chavez', 'Junichiro_Koizumi', 'Serena_Williams'];
  let root: string;
  let store: Store;
  let facesDir: string;
  let t: TestApp | undefined;
  let warn: jest.SpyInstance;

  const restart = async () => {
    await t?.app.close();
    warn.mockClear();
    t = await startApp(store, facesDir);
    return t;
  };
  const people = async (app: TestApp) =>
    (await sendJson(app, 'GET', '/people')).body.map((p: any) => ({ name: p.name, faces: p.faces.length }));
  const warnings = () => warn.mock.calls.map((call) => String(call[0])).join('\n');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'people-startup-'));
    store = await storeFor(dialect, join(root, 'data'));
    facesDir = join(root, 'faces');
    mkdirSync(facesDir);
    for (const name of NAMES) copyFileSync(join(ENROLL, `${name}.jpg`), join(facesDir, `${name}.jpg`));
    copyFileSync(join(TESTDATA, 'bad', 'truncated.jpg'), join(facesDir, 'Broken_Photo.jpg'));
    copyFileSync(join(TESTDATA, 'bad', 'no-face.jpg'), join(facesDir, 'Landscape.jpg'));
    writeFileSync(join(facesDir, 'README.txt'), 'not a photo');
    warn = jest.spyOn(Logger.prototype, 'warn');
  });

  afterAll(async () => {
    await t?.app.close();
    warn.mockRestore();
    rmSync(root, { recursive: true, force: true });
  });

  it('enrolls each photo under its file name (its dominant face) and skips what it cannot enroll', async () => {
    const app = await restart();
    expect(await people(app)).toEqual(NAMES.map((name) => ({ name, faces: 1 })));
    expect(app.gallery.peopleCount).toBe(4);
    expect(app.gallery.size).toBe(4);
    expect(whoIs(app, await embeddingOf(app, 'video/enroll/Serena_Williams.jpg')).name).toBe('Serena_Williams');
    expect(warnings()).toMatch(/Broken_Photo\.jpg skipped: JPEG is truncated/);
    expect(warnings()).toMatch(/Landscape\.jpg skipped: no face found/);
    expect(warnings()).toMatch(/README\.txt skipped: not an image/);
    const state = await storedState(app);
    expect(state).toMatchObject({ people: 4, samples: 4 });
    expect(state.photos).toHaveLength(4);
    expect(state.thumbnails).toHaveLength(4);
  });

  it('enrolls nothing twice on restart, and loads the gallery from the database', async () => {
    const before = await storedState(t!);
    const app = await restart();
    expect(await storedState(app)).toEqual(before);
    expect(await people(app)).toEqual(NAMES.map((name) => ({ name, faces: 1 })));
    expect(app.gallery.size).toBe(4);
    expect(whoIs(app, await embeddingOf(app, 'video/enroll/Colin_Powell.jpg')).name).toBe('Colin_Powell');
  });

  it('adds a file named after an existing person to that person; a photo enrolled through the API is not enrolled again', async () => {
    const apiEnrolled = await upload(t!, '/people', { name: 'Tony_Blair' }, testFile('video/not-enrolled/Tony_Blair_0001.jpg'));
    expect(apiEnrolled.status).toBe(201);
    copyFileSync(join(TESTDATA, 'video', 'not-enrolled', 'Tony_Blair_0001.jpg'), join(facesDir, 'Tony_Blair.jpeg'));
    copyFileSync(join(TESTDATA, 'video', 'not-enrolled', 'Tony_Blair_0007.jpg'), join(facesDir, 'tony_blair.jpg'));

    const app = await restart();
    const tony = (await sendJson(app, 'GET', `/people/${apiEnrolled.body.id}`)).body;
    expect(tony.name).toBe('Tony_Blair');
    expect(tony.faces).toHaveLength(2);
    expect(tony.faces.map((f: any) => f.photoSha256)).toEqual([
      sha256(testFile('video/not-enrolled/Tony_Blair_0001.jpg')),
      sha256(testFile('video/not-enrolled/Tony_Blair_0007.jpg')),
    ]);
    expect(await storedState(app)).toMatchObject({ people: 5, samples: 6 });
    expect(app.gallery.size).toBe(6);

    const again = await restart();
    expect(await storedState(again)).toMatchObject({ people: 5, samples: 6 });
  });

  it('re-embeds samples made by another model from their stored photo', async () => {
    const samples = t!.db.getRepository(FaceSample);
    const colin = await samples.findOneByOrFail({ person: { name: 'Colin_Powell' } });
    const original = colin.embedding;
    // As if enrolled by another engine: another model id and a vector of another size.
    await samples.update(colin.id, { modelId: 'some-other-model', embedding: new Float32Array(4) });

    const app = await restart();
    const updated = await app.db.getRepository(FaceSample).findOneByOrFail({ id: colin.id });
    expect(updated.modelId).toBe(app.recognition.engine.modelId);
    const embedding = updated.embedding;
    expect(embedding).toHaveLength(original.length);
    expect(cosine(embedding, original)).toBeGreaterThan(0.99);
    expect(app.gallery.size).toBe(6);
    expect(whoIs(app, await embeddingOf(app, 'video/enroll/Colin_Powell.jpg')).name).toBe('Colin_Powell');
    expect(warnings()).not.toMatch(/re-embedded/);
  });

  it('measures at start the quality of samples enrolled before quality was measured', async () => {
    const rows = await t!.db.query('SELECT id, quality FROM face_samples ORDER BY id');
    expect(rows.every((row: { quality: string | null }) => row.quality !== null)).toBe(true);
    await t!.db.query('UPDATE face_samples SET quality = NULL');
    const app = await restart();
    const after = await app.db.query('SELECT id, quality FROM face_samples ORDER BY id');
    // The same photos, the same faces: the same figures as measured at enrollment.
    expect(after.map((row: { quality: string }) => JSON.parse(row.quality))).toEqual(rows.map((row: { quality: string }) => JSON.parse(row.quality)));
  });
});
