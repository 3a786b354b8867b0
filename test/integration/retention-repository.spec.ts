import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { AuditRepository } from '../../src/audit/audit.repository';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { DatabaseWriteLock } from '../../src/database/database-write-lock';
import { openStore, storeOptions } from '../../src/database/store-options';
import { DAY_MS } from '../../src/retention/retention-rules';
import { RetentionRepository } from '../../src/retention/retention.repository';
import { Sighting } from '../../src/sightings/sighting.entity';
import { UnknownFace } from '../../src/unknown-faces/unknown-face.entity';
import { STORE_DIALECTS, useStores } from '../support/store-dialects';

const NOW = Date.now();
const CUTOFF = NOW - 30 * DAY_MS;

const storeFor = useStores();

/** The retention and audit repositories on a real SQLite file and a real PostgreSQL database (the app's DatabaseModule). */
describe.each(STORE_DIALECTS)('expiring records (real %s store)', (dialect) => {
  let dir: string;
  let context: INestApplicationContext;
  let db: DataSource;
  let retention: RetentionRepository;
  let audit: AuditRepository;
  let env: { DATA_DIR: string; DATABASE_URL?: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'retention-'));
    env = await storeFor(dialect, dir);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }),
        DatabaseModule,
        TypeOrmModule.forFeature([Sighting, UnknownFace, AuditEntry]),
      ],
      providers: [RetentionRepository, AuditRepository],
    }).compile();
    context = await moduleRef.init();
    db = context.get(DataSource);
    retention = context.get(RetentionRepository);
    audit = context.get(AuditRepository);
  });

  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sighting = (lastSeen: number, ongoing = false) => ({
    personId: 1,
    personName: 'A',
    camera: 'door',
    firstSeen: lastSeen - 1000,
    lastSeen,
    bestConfidence: 90,
    ongoing,
    thumbnail: Buffer.from([0xff, 0xd8]),
  });

  if (dialect === 'sqlite') {
    it('overwrites deleted content (secure_delete is on for the connection)', async () => {
      expect(await db.query('PRAGMA secure_delete')).toEqual([{ secure_delete: 1 }]);
    });
  } else {
    it('vacuums a table right after deleting from it (PostgreSQL has no secure_delete)', async () => {
      const lastVacuum = async () => (await db.query(`SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'audit_log'`))[0]?.last_vacuum ?? null;
      expect(await lastVacuum()).toBeNull();
      await audit.insert({ role: 'admin', ip: '127.0.0.1', method: 'DELETE', route: '/people/:id', path: '/people/9', status: 204, at: CUTOFF - 5 });
      expect(await retention.deleteExpired('audit', CUTOFF)).toHaveLength(1);
      // The statistics collector reports with a short delay.
      for (let i = 0; i < 50 && (await lastVacuum()) === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await lastVacuum()).not.toBeNull();
    });

    it('two nodes expiring at once each report only the rows they deleted (no entry announced twice)', async () => {
      const otherNode = await openStore({ ...storeOptions(env), entities: [Sighting, UnknownFace, AuditEntry] } as Parameters<typeof openStore>[0]);
      try {
        const retentionB = new RetentionRepository(otherNode, new DatabaseWriteLock(otherNode));
        const base = { role: 'admin', ip: '127.0.0.1', method: 'DELETE', route: '/people/:id', path: '/people/9', status: 204 };
        const rows = Array.from({ length: 400 }, (_, i) => ({ ...base, at: CUTOFF - 10 - i }));
        const inserted = (await db.getRepository(AuditEntry).insert(rows)).identifiers.map((row) => row.id as number);
        const [a, b] = await Promise.all([retention.deleteExpired('audit', CUTOFF), retentionB.deleteExpired('audit', CUTOFF)]);
        expect([...a, ...b].sort((x, y) => x - y)).toEqual([...inserted].sort((x, y) => x - y));
      } finally {
        await otherNode.destroy();
      }
    }, 30_000);
  }

  it('deletes the sightings that ended before the cutoff (all 1203 of them), and nothing else', async () => {
    const rows = db.getRepository(Sighting);
    const expired = Array.from({ length: 1203 }, (_, i) => sighting(CUTOFF - 1 - i));
    for (let i = 0; i < expired.length; i += 300) await rows.insert(expired.slice(i, i + 300));
    await rows.insert([sighting(CUTOFF), sighting(NOW), sighting(CUTOFF - DAY_MS, true)]);
    const ids = await retention.deleteExpired('sightings', CUTOFF);
    expect(ids).toHaveLength(1203);
    const left = await rows.find({ order: { id: 'ASC' } });
    // The one exactly at the cutoff, the recent one, and the one still open (being written).
    expect(left.map((row) => [row.lastSeen, row.ongoing])).toEqual([
      [CUTOFF, false],
      [NOW, false],
      [CUTOFF - DAY_MS, true],
    ]);
    expect(await retention.deleteExpired('sightings', CUTOFF)).toEqual([]);
  });

  it('deletes inbox entries by when the stranger was last seen, and audit entries by their time', async () => {
    const entry = (lastSeen: number) => ({
      camera: 'door',
      firstSeen: CUTOFF - 10 * DAY_MS,
      lastSeen,
      appearances: 2,
      centroid: new Float32Array(4),
      modelId: 'm',
      faceHeight: 80,
      photo: Buffer.from([1]),
      thumbnail: Buffer.from([2]),
    });
    const unknown = db.getRepository(UnknownFace);
    const old = (await unknown.insert(entry(CUTOFF - 1))).identifiers[0].id;
    await unknown.insert(entry(CUTOFF + 1)); // first seen long ago, but seen again since
    expect(await retention.deleteExpired('unknown_faces', CUTOFF)).toEqual([old]);
    expect(await unknown.count()).toBe(1);

    const base = { role: 'admin', ip: '127.0.0.1', method: 'DELETE', route: '/people/:id', path: '/people/1', status: 204, suppressed: 0 };
    const expired = await audit.insert({ ...base, at: CUTOFF - 1 });
    // A refused attempt (with the count of those left out before it) expires like any entry.
    const kept = await audit.insert({ ...base, role: 'none', status: 401, suppressed: 3, at: CUTOFF + 1 });
    expect(await retention.deleteExpired('audit', CUTOFF)).toEqual([expired]);
    const [entries, total] = await audit.findPage({ page: 1, pageSize: 20, skip: 0, take: 20 });
    expect([entries.map((e) => [e.id, e.status, e.suppressed]), total]).toEqual([[[kept, 401, 3]], 1]);
  });
});
