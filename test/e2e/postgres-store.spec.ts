import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, storeOptions } from '../../src/database/store-options';
import { Sighting } from '../../src/sightings/sighting.entity';
import { UnknownFace } from '../../src/unknown-faces/unknown-face.entity';
import { CliRun, runCli } from '../support/cli-process';
import { DEMO_VIDEO, TESTDATA } from '../support/paths';
import { startPostgres, type RunningPostgres } from '../support/postgres';
import { RunningServer, startServer, withAdminKey } from '../support/server-process';
import { enrollFromTestdata, enrollmentPhoto } from '../support/enroll';

jest.setTimeout(300_000);

/** One camera, switched off: no sighting or stranger appears by itself, so every count below is exact. */
const ENV = {
  CAMERAS: JSON.stringify([{ name: 'main', source: DEMO_VIDEO, enabled: false }]),
  RATE_LIMIT_WRITE_MAX: '1000',
  UNKNOWN_FACE_AFTER_MS: '300',
  SIGHTING_END_AFTER_MS: '1000',
};
const PHOTO = enrollmentPhoto;

const enroll = enrollFromTestdata;

const getJson = async (server: RunningServer, path: string) => {
  const reply = await fetch(`${server.url}${path}`, { headers: withAdminKey() });
  expect(reply.status).toBe(200);
  return reply.json();
};
const getBytes = async (server: RunningServer, path: string) => Buffer.from(await (await fetch(`${server.url}${path}`, { headers: withAdminKey() })).arrayBuffer());

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function migrateStore(dataDir: string, url: string, json = true): Promise<CliRun> {
  return runCli(['migrate-store', '--to', url, ...(json ? ['--json'] : [])], { DATA_DIR: dataDir });
}

/** A SQLite data dir made by the server, copied into PostgreSQL, then served by servers that share only the database. */
describe('PostgreSQL store: migrate-store, then the server on PostgreSQL', () => {
  let postgres: RunningPostgres;
  let databaseUrl: string;
  let sqliteServer: RunningServer;
  const servers: RunningServer[] = [];
  let colin: { id: number; faces: Array<{ id: number; thumbnailUrl: string }> };
  let colinThumbnail: Buffer;
  const crop = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  const rejectedEmbedding = Float32Array.from({ length: 512 }, (_, i) => Math.cos(i) / 16);
  const rejectedSeenAt = Date.UTC(2031, 0, 2, 3, 4, 5, 678);
  let auditEntries: number;
  let sqlitePeople: Array<{ name: string; createdAt: string; faces: Array<{ createdAt: string }> }>;

  beforeAll(async () => {
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase('face_stream');
  });

  afterAll(async () => {
    for (const server of servers) await server.dispose();
    await sqliteServer?.dispose();
    postgres?.dispose();
  });

  it('populates a SQLite data dir: people with photos, sightings and strangers with crops, cameras, audit', async () => {
    sqliteServer = await startServer(ENV);
    colin = await enroll(sqliteServer, 'Colin_Powell');
    await enroll(sqliteServer, 'Hugo_Chavez');
    colinThumbnail = await getBytes(sqliteServer, colin.faces[0].thumbnailUrl);
    expect(colinThumbnail.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    sqlitePeople = await getJson(sqliteServer, '/people');
    expect(await sqliteServer.stop()).toBe(0);

    const db = await openStore({ ...storeOptions({ DATA_DIR: sqliteServer.dataDir }), entities: [Sighting, UnknownFace] });
    try {
      auditEntries = (await db.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n;
      expect(auditEntries).toBeGreaterThanOrEqual(2);
      // Recent: the retention job at the next start keeps them.
      const seen = Date.now() - 60_000;
      for (let i = 0; i < 3; i++) {
        await db.getRepository(Sighting).insert({ personId: colin.id, personName: 'Colin_Powell', camera: 'main', firstSeen: seen + i, lastSeen: seen + 1000 + i, bestConfidence: 0.8, ongoing: false, thumbnail: crop });
      }
      for (let i = 0; i < 2; i++) {
        await db.getRepository(UnknownFace).insert({ camera: 'main', firstSeen: seen + i, lastSeen: seen + 500 + i, appearances: 1, centroid: new Float32Array(512).fill(0.04), modelId: 'm', faceHeight: 90, photo: crop, thumbnail: crop });
      }
      // A view of Colin an admin rejected ("not this person"): the person's data, copied with them.
      await db.query(`INSERT INTO rejected_views ("personId", camera, "seenAt", "rejectedAt", "modelId", embedding) VALUES (?, 'main', ?, ?, 'm', ?)`, [
        colin.id,
        rejectedSeenAt,
        rejectedSeenAt + 1,
        Buffer.from(rejectedEmbedding.buffer),
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('copies everything into PostgreSQL, and a second run copies nothing twice', async () => {
    const first = await migrateStore(sqliteServer.dataDir, databaseUrl);
    expect(first.code).toBe(0);
    const tables = Object.fromEntries(JSON.parse(first.stdout).tables.map((t: { table: string }) => [t.table, t]));
    expect(tables.people).toMatchObject({ source: 2, copied: 2, present: 0 });
    expect(tables.face_samples).toMatchObject({ source: 2, copied: 2 });
    expect(tables.sightings).toMatchObject({ source: 3, copied: 3 });
    expect(tables.unknown_faces).toMatchObject({ source: 2, copied: 2 });
    expect(tables.rejected_views).toMatchObject({ source: 1, copied: 1 });
    expect(tables.camera).toMatchObject({ source: 1, copied: 1 });
    expect(tables.audit_log).toMatchObject({ source: auditEntries, copied: auditEntries });
    expect(tables.photos).toMatchObject({ source: 4, copied: 4, missing: 0 });

    const again = await migrateStore(sqliteServer.dataDir, databaseUrl, false);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing new to copy/);
    expect(again.stdout).toMatch(/^people\s+2\s+0\s+2\s+0$/m);
    expect(again.stdout).toMatch(/^photos\s+4\s+0\s+4\s+0$/m);
  });

  it('refuses a URL that is not postgres:// (exit 2), and a target holding another library (exit 1)', async () => {
    expect((await migrateStore(sqliteServer.dataDir, 'mysql://x@y/z')).code).toBe(2);
    const other = mkdtempSync(join(tmpdir(), 'other-library-'));
    try {
      const db = await openStore(storeOptions({ DATA_DIR: other }));
      await db.query(`INSERT INTO people (name, "nameKey") VALUES ('Someone Else', 'someone else')`);
      await db.destroy();
      const run = await migrateStore(other, databaseUrl);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/people row 1 is not the source's/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("serves the copied library from PostgreSQL alone (an empty DATA_DIR): people, photos, sightings, inbox, cameras, audit", async () => {
    const server = await startServer({ ...ENV, DATABASE_URL: databaseUrl });
    servers.push(server);
    const people = await getJson(server, '/people');
    // The same people, at the same instants (SQLite's UTC text became timestamptz).
    const summary = (list: typeof sqlitePeople) => list.map((p) => ({ name: p.name, createdAt: p.createdAt, faces: p.faces.map((f) => f.createdAt) }));
    expect(summary(people)).toEqual(summary(sqlitePeople));
    expect(people.map((p: { name: string }) => p.name)).toEqual(['Colin_Powell', 'Hugo_Chavez']);
    expect(await getBytes(server, colin.faces[0].thumbnailUrl)).toEqual(colinThumbnail);
    const sightings = await getJson(server, `/sightings?personId=${colin.id}`);
    expect(sightings.total).toBe(3);
    expect(await getBytes(server, `/sightings/${sightings.items[0].id}/thumbnail`)).toEqual(crop);
    expect((await getJson(server, '/unknown-faces')).total).toBe(2);
    expect((await getJson(server, `/people/${colin.id}/export?format=json`)).rejectedViews).toEqual([
      { id: expect.any(Number), camera: 'main', seenAt: new Date(rejectedSeenAt).toISOString(), rejectedAt: new Date(rejectedSeenAt + 1).toISOString(), modelId: 'm', embeddingFloat32Base64: Buffer.from(rejectedEmbedding.buffer).toString('base64') },
    ]);
    expect((await getJson(server, '/cameras')).map((c: { name: string }) => c.name)).toEqual(['main']);
    expect((await getJson(server, '/audit')).total).toBeGreaterThanOrEqual(auditEntries);
    // Nothing of the library is kept in this node's DATA_DIR.
    expect(existsSync(join(server.dataDir, 'photos')) ? readdirSync(join(server.dataDir, 'photos')) : []).toEqual([]);
    expect(existsSync(join(server.dataDir, 'face-stream.sqlite'))).toBe(false);
  });

  it('keeps what is enrolled on PostgreSQL across a restart, served by another node; erasure removes the photos from the database', async () => {
    const first = servers[0];
    const serena = await enroll(first, 'Serena_Williams');
    const thumbnail = await getBytes(first, serena.faces[0].thumbnailUrl);
    expect(await first.stop()).toBe(0);

    // Another node: its own (empty) DATA_DIR, the same database.
    const second = await startServer({ ...ENV, DATABASE_URL: databaseUrl });
    servers.push(second);
    const people = await getJson(second, '/people');
    expect(people.map((p: { name: string }) => p.name)).toEqual(['Colin_Powell', 'Hugo_Chavez', 'Serena_Williams']);
    expect(await getBytes(second, serena.faces[0].thumbnailUrl)).toEqual(thumbnail);

    const db = await openStore(storeOptions({ DATA_DIR: second.dataDir, DATABASE_URL: databaseUrl }));
    try {
      const photoRows = async () => Number((await db.query('SELECT COUNT(*) AS n FROM photo_files'))[0].n);
      expect(await photoRows()).toBe(6);
      expect((await fetch(`${second.url}/people/${serena.id}`, { method: 'DELETE', headers: withAdminKey() })).status).toBe(204);
      expect(await photoRows()).toBe(4);
      expect((await fetch(`${second.url}${serena.faces[0].thumbnailUrl}`, { headers: withAdminKey() })).status).toBe(404);
    } finally {
      await db.destroy();
    }
  });

  it('records live sightings and strangers into PostgreSQL once the camera is switched on through the API', async () => {
    const node = servers[1];
    const switched = await fetch(`${node.url}/cameras/main`, { method: 'PATCH', headers: withAdminKey({ 'content-type': 'application/json' }), body: JSON.stringify({ enabled: true }) });
    expect(switched.status).toBe(200);
    const copiedIds = new Set((await getJson(node, '/sightings?pageSize=100')).items.map((s: { id: number }) => s.id));
    let live: { id: number; personName: string; camera: string } | undefined;
    await until('a live sighting', async () => {
      live = (await getJson(node, '/sightings?pageSize=100')).items.find((s: { id: number }) => !copiedIds.has(s.id));
      return live !== undefined;
    });
    expect(live!.camera).toBe('main');
    expect(['Colin_Powell', 'Hugo_Chavez']).toContain(live!.personName);
    await until('its face crop', async () => (await fetch(`${node.url}/sightings/${live!.id}/thumbnail`, { headers: withAdminKey() })).status === 200);
    expect((await getBytes(node, `/sightings/${live!.id}/thumbnail`)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await until('a stranger in the inbox', async () => (await getJson(node, '/unknown-faces')).total > 2);
  });
});
