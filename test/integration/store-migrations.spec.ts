import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { CameraRecord } from '../../src/cameras/camera.entity';
import { openStore, SQLITE_FILE, storeOptions } from '../../src/database/store-options';
import { FaceSample } from '../../src/people/entities/face-sample.entity';
import { Person } from '../../src/people/entities/person.entity';
import { Sighting } from '../../src/sightings/sighting.entity';
import { UnknownFace } from '../../src/unknown-faces/unknown-face.entity';
import { RevokedSession } from '../../src/auth/revoked-session.entity';
import { RejectedView } from '../../src/people/suggestions/rejected-view.entity';
import { SampleSuggestion } from '../../src/people/suggestions/sample-suggestion.entity';
import { STORE_DIALECTS, useStores } from '../support/store-dialects';

const ENTITIES = [AuditEntry, CameraRecord, FaceSample, Person, RejectedView, RevokedSession, SampleSuggestion, Sighting, UnknownFace];

/** Every migration of each dialect, in order: a new store records all of them. */
const MIGRATIONS = {
  sqlite: ['SqliteBaseline1764720000000', 'SqliteRefusalsAndSignOuts1764806400000', 'SqliteBetterSamples1764810000000', 'SqliteRejectedViews1764820000000', 'SqliteCameraLeases1764900000000'],
  postgres: ['PostgresBaseline1764720000000', 'PostgresRefusalsAndSignOuts1764806400000', 'PostgresBetterSamples1764810000000', 'PostgresRejectedViews1764820000000', 'PostgresCameraLeases1764900000000', 'PostgresSocketIoAttachments1764910000000'],
};
const applied = async (db: DataSource) => (await db.query('SELECT name FROM migrations ORDER BY id')).map((row: { name: string }) => row.name);

/**
 * The schema of a data dir made before migrations existed: what TypeORM's `synchronize` created
 * with the entities of commit 2ed0100 (dumped with `sqlite3 face-stream.sqlite .schema`).
 */
const SCHEMA_BEFORE_MIGRATIONS = `
CREATE TABLE "camera" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(32) NOT NULL, "source" text NOT NULL, "enabled" boolean NOT NULL, "overrides" text NOT NULL, "origin" varchar(8) NOT NULL, "createdAt" integer NOT NULL, CONSTRAINT "UQ_ff475de4c1f850e41b2799e6c1e" UNIQUE ("name"));
CREATE TABLE "audit_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" integer NOT NULL, "role" varchar(16) NOT NULL, "ip" varchar(64) NOT NULL, "method" varchar(8) NOT NULL, "route" varchar(128) NOT NULL, "path" varchar(256) NOT NULL, "status" integer NOT NULL);
CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at") ;
CREATE TABLE "unknown_faces" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "camera" varchar NOT NULL, "firstSeen" integer NOT NULL, "lastSeen" integer NOT NULL, "appearances" integer NOT NULL DEFAULT (1), "centroid" blob NOT NULL, "modelId" varchar NOT NULL, "faceHeight" integer NOT NULL, "photo" blob NOT NULL, "thumbnail" blob NOT NULL);
CREATE TABLE "sightings" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "personId" integer NOT NULL, "personName" varchar NOT NULL, "camera" varchar NOT NULL, "firstSeen" integer NOT NULL, "lastSeen" integer NOT NULL, "bestConfidence" real NOT NULL, "ongoing" boolean NOT NULL DEFAULT (0), "thumbnail" blob);
CREATE INDEX "IDX_10d4ae28fb792ba01d7f9777f8" ON "sightings" ("firstSeen") ;
CREATE INDEX "IDX_12019fdadbe5fcefc41c715f23" ON "sightings" ("lastSeen") ;
CREATE INDEX "IDX_b760dc9dd80e4e75d2e4b51eae" ON "sightings" ("personId", "firstSeen") ;
CREATE TABLE "people" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(100) NOT NULL, "nameKey" varchar NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')));
CREATE UNIQUE INDEX "IDX_a17fef54bfe1abca461b578613" ON "people" ("nameKey") ;
CREATE TABLE "face_samples" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "personId" integer NOT NULL, "embedding" blob NOT NULL, "modelId" varchar NOT NULL, "box" text NOT NULL, "photoFile" varchar NOT NULL, "thumbnailFile" varchar NOT NULL, "photoSha256" varchar(64) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_ac3c120368c314bc8b36546fd04" FOREIGN KEY ("personId") REFERENCES "people" ("id") ON DELETE CASCADE ON UPDATE NO ACTION);
CREATE INDEX "IDX_5764871f4f40aa927acdf7b9ff" ON "face_samples" ("modelId") ;
CREATE INDEX "IDX_a801e8f2f7491355bac616aeaa" ON "face_samples" ("photoSha256") ;
`;

const storeFor = useStores();

describe.each(STORE_DIALECTS)('store schema by migrations (%s)', (dialect) => {
  let dir: string;
  let settings: { DATA_DIR: string; DATABASE_URL?: string };
  let db: DataSource | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'store-migrations-'));
    settings = await storeFor(dialect, dir);
  });

  afterAll(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new store whose tables are exactly what the entities describe', async () => {
    db = await openStore({ ...storeOptions(settings), entities: ENTITIES });
    const drift = await db.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
    expect(await applied(db)).toEqual(MIGRATIONS[dialect]);
  });

  it('stores epoch milliseconds, doubles and binary columns as they were given', async () => {
    const at = Date.UTC(2030, 0, 1, 12, 0, 0, 123);
    const sightings = db!.getRepository(Sighting);
    const crop = Buffer.from([0xff, 0xd8, 0x00, 0x01, 0xfe]);
    const { id } = await sightings.save({ personId: 1, personName: 'Ada', camera: 'door', firstSeen: at, lastSeen: at + 1, bestConfidence: 0.123456789012, ongoing: false, thumbnail: crop });
    const row = await sightings.findOneOrFail({ where: { id }, select: { id: true, firstSeen: true, lastSeen: true, bestConfidence: true, thumbnail: true } });
    expect(row).toEqual({ id, firstSeen: at, lastSeen: at + 1, bestConfidence: 0.123456789012, thumbnail: crop });
  });

  it('applies nothing twice when the store is opened again', async () => {
    await db!.destroy();
    db = await openStore({ ...storeOptions(settings), entities: ENTITIES });
    expect(await applied(db)).toEqual(MIGRATIONS[dialect]);
    expect(await db.getRepository(Sighting).count()).toBe(1);
  });
});

describe('several nodes opening one new PostgreSQL database at once', () => {
  it('migrate it once between them: every node opens, the baseline is applied once', async () => {
    const settings = await storeFor('postgres', mkdtempSync(join(tmpdir(), 'store-nodes-')));
    const nodes = await Promise.all(Array.from({ length: 4 }, () => openStore({ ...storeOptions(settings), entities: ENTITIES })));
    try {
      expect(await applied(nodes[3])).toEqual(MIGRATIONS.postgres);
      expect(await nodes[0].getRepository(Person).count()).toBe(0);
    } finally {
      for (const node of nodes) await node.destroy();
      rmSync(settings.DATA_DIR, { recursive: true, force: true });
    }
  });
});

describe('a SQLite data dir made before migrations (by synchronize)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'store-legacy-'));
    const legacy = new DataSource({ type: 'sqlite', database: join(dir, SQLITE_FILE) });
    await legacy.initialize();
    for (const statement of SCHEMA_BEFORE_MIGRATIONS.split(';\n').map((s) => s.trim()).filter(Boolean)) await legacy.query(statement);
    await legacy.query(`INSERT INTO people (name, nameKey) VALUES ('Ada', 'ada')`);
    await legacy.query(`INSERT INTO face_samples (personId, embedding, modelId, box, photoFile, thumbnailFile, photoSha256) VALUES (1, x'0000803f', 'm', '{"x":1,"y":2,"width":3,"height":4}', 'p.jpg', 't.jpg', 'ab')`);
    await legacy.query(`INSERT INTO sightings (personId, personName, camera, firstSeen, lastSeen, bestConfidence, ongoing) VALUES (1, 'Ada', 'door', 1700000000000, 1700000001000, 0.75, 0)`);
    await legacy.destroy();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens with its data untouched, the baseline recorded as applied and the later migrations run', async () => {
    const db = await openStore({ ...storeOptions({ DATA_DIR: dir }), entities: ENTITIES });
    try {
      const [ada] = await db.getRepository(Person).find({ relations: { samples: true } });
      expect(ada.name).toBe('Ada');
      expect(Array.from(ada.samples[0].embedding)).toEqual([1]);
      expect(ada.samples[0].box).toEqual({ x: 1, y: 2, width: 3, height: 4 });
      expect(await db.getRepository(Sighting).findOneByOrFail({ personId: 1 })).toMatchObject({ firstSeen: 1700000000000, lastSeen: 1700000001000, bestConfidence: 0.75 });
      expect(await applied(db)).toEqual(MIGRATIONS.sqlite);
      // What later migrations add is there (the refusals' column; the legacy integer columns stay as they were).
      await db.getRepository(AuditEntry).insert({ role: 'none', ip: '::1', method: 'DELETE', route: '/people/:id', path: '/people/1', status: 401, at: 1, suppressed: 3 });
      // New rows land in the old tables as before.
      await db.getRepository(Sighting).insert({ personId: 1, personName: 'Ada', camera: 'yard', firstSeen: 1, lastSeen: 2, bestConfidence: 0.5, ongoing: true, thumbnail: null });
      expect(await db.getRepository(Sighting).count()).toBe(2);
    } finally {
      await db.destroy();
    }
  });
});
