import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { Database } from 'sqlite3';
import { TESTDATA } from '../support/paths';
import { RunningServer, startServer, withAdminKey } from '../support/server-process';

jest.setTimeout(240_000);

const PEOPLE = readdirSync(join(TESTDATA, 'people')).sort();
/** 20 different people: the 16 of testdata/people (photo 1) and the 4 of video/enroll. */
const TWENTY = [
  ...PEOPLE.map((name) => ({ name, file: join(TESTDATA, 'people', name, `${name}_0001.jpg`) })),
  ...['Colin_Powell', 'Hugo_Chavez', 'Junichiro_Koizumi', 'Serena_Williams'].map((name) => ({ name, file: join(TESTDATA, 'video', 'enroll', `${name}.jpg`) })),
];

/** Enrolls the photo's main face (index 0; some LFW photos show a second person at the edge). */
function enroll(server: RunningServer, name: string, file: string): Promise<Response> {
  const form = new FormData();
  form.append('name', name);
  form.append('faceIndex', '0');
  form.append('image', new Blob([readFileSync(file)]), 'photo.jpg');
  return fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: form });
}

/** The SQLite file the server writes, opened by the test alongside it (WAL lets both in). */
function openDb(dataDir: string) {
  const db = new Database(join(dataDir, 'face-stream.sqlite'));
  const all = (sql: string, params: unknown[] = []) =>
    new Promise<any[]>((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
  const close = () => new Promise<void>((resolve) => db.close(() => resolve()));
  return { all, exec, close };
}

async function metrics(server: RunningServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values[match[1]] = Number(match[2]);
  }
  return values;
}

/** What the server holds: rows, files on disk, and the live gallery's counts. */
async function holdings(server: RunningServer, db: ReturnType<typeof openDb>) {
  const count = async (table: string) => (await db.all(`SELECT COUNT(*) AS n FROM ${table}`))[0].n as number;
  const m = await metrics(server);
  return {
    people: await count('people'),
    samples: await count('face_samples'),
    photos: readdirSync(join(server.dataDir, 'photos')).length,
    thumbnails: readdirSync(join(server.dataDir, 'thumbnails')).length,
    galleryPeople: m.facestream_gallery_people,
    galleryFaces: m.facestream_gallery_faces,
  };
}

function waitForName(url: string, name: string, timeoutMs: number): Promise<boolean> {
  const socket = io(url, { transports: ['websocket'] });
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.on('recognition', (event: { faces: Array<{ name: string }> }) => {
      if (event.faces.some((f) => f.name === name)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  }).finally(() => socket.close());
}

describe('persistence: WAL, one transaction per enrollment, concurrent writes, crash recovery', () => {
  let server: RunningServer;
  let restarted: RunningServer | undefined;
  let db: ReturnType<typeof openDb>;

  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_WRITE_MAX: '1000' });
    db = openDb(server.dataDir);
  });
  afterAll(async () => {
    await db?.close();
    await restarted?.dispose();
    await server?.dispose();
  });

  it('keeps the database in WAL mode', async () => {
    expect(await db.all('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('lands 20 simultaneous enrollments, and the live gallery matches the database', async () => {
    const started = performance.now();
    const replies = await Promise.all(TWENTY.map(({ name, file }) => enroll(server, name, file)));
    const ms = performance.now() - started;
    const bodies = await Promise.all(replies.map((r) => r.json()));
    expect(replies.map((r, i) => `${TWENTY[i].name} ${r.status} ${r.status === 201 ? '' : JSON.stringify(bodies[i])}`.trim())).toEqual(
      TWENTY.map(({ name }) => `${name} 201`),
    );
    console.log(`20 simultaneous enrollments: all 201 in ${Math.round(ms)} ms`);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(20);
    expect(await holdings(server, db)).toEqual({ people: 20, samples: 20, photos: 20, thumbnails: 20, galleryPeople: 20, galleryFaces: 20 });
    const names = (await db.all('SELECT name FROM people ORDER BY name')).map((row) => row.name);
    expect(names).toEqual(TWENTY.map((p) => p.name).sort());
  });

  it('leaves nothing behind when the enrollment fails midway (the sample insert fails after the person row)', async () => {
    const before = await holdings(server, db);
    await db.exec(`CREATE TRIGGER fail_sample BEFORE INSERT ON face_samples BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`);
    try {
      const reply = await enroll(server, 'Tony_Blair', join(TESTDATA, 'video', 'not-enrolled', 'Tony_Blair_0001.jpg'));
      expect(reply.status).toBe(500);
      expect(await reply.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
    } finally {
      await db.exec('DROP TRIGGER fail_sample');
    }
    expect(await holdings(server, db)).toEqual(before);
    expect(await db.all("SELECT id FROM people WHERE name = 'Tony_Blair'")).toEqual([]);
    // The failure is logged without the photo or its embedding.
    expect(server.output()).toMatch(/injected fault/);
    expect(server.output()).not.toMatch(/[A-Za-z0-9+/=]{200}|(?:[0-9a-f]{2}[ ,]?){100}/);
  });

  it('deletes a person with their embeddings, photos and thumbnails', async () => {
    const [victim] = await db.all("SELECT p.id, s.photoFile, s.thumbnailFile FROM people p JOIN face_samples s ON s.personId = p.id WHERE p.name = 'Hugo_Chavez'");
    const photo = join(server.dataDir, 'photos', victim.photoFile);
    const thumbnail = join(server.dataDir, 'thumbnails', victim.thumbnailFile);
    expect(existsSync(photo) && existsSync(thumbnail)).toBe(true);
    expect((await fetch(`${server.url}/people/${victim.id}`, { method: 'DELETE', headers: withAdminKey() })).status).toBe(204);
    expect(await db.all('SELECT id FROM face_samples WHERE personId = ?', [victim.id])).toEqual([]);
    expect(existsSync(photo)).toBe(false);
    expect(existsSync(thumbnail)).toBe(false);
    expect(await holdings(server, db)).toEqual({ people: 19, samples: 19, photos: 19, thumbnails: 19, galleryPeople: 19, galleryFaces: 19 });
  });

  it('keeps a person enrolled just before a SIGKILL, and recognises them after the restart', async () => {
    const reply = await enroll(server, 'Tony_Blair', join(TESTDATA, 'video', 'not-enrolled', 'Tony_Blair_0001.jpg'));
    expect(reply.status).toBe(201);
    // Killed the moment the 201 arrives: no shutdown hook runs, the WAL is not checkpointed.
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));
    expect(existsSync(join(server.dataDir, 'face-stream.sqlite-wal'))).toBe(true);

    const started = performance.now();
    restarted = await startServer({ DATA_DIR: server.dataDir });
    const people = await (await fetch(`${restarted.url}/people`)).json();
    expect(people.map((p: { name: string }) => p.name)).toContain('Tony_Blair');
    expect(people).toHaveLength(20);
    const m = await metrics(restarted);
    expect([m.facestream_gallery_people, m.facestream_gallery_faces]).toEqual([20, 20]);
    // Tony_Blair walks through the demo video (3 s of every 10 s).
    expect(await waitForName(restarted.url, 'Tony_Blair', 30_000)).toBe(true);
    console.log(`after SIGKILL: restarted and named Tony_Blair on the stream ${Math.round(performance.now() - started)} ms later`);
  });
});
