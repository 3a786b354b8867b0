import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CameraDefinition } from '../../src/cameras/camera-definition.types';
import { CameraRecord } from '../../src/cameras/camera.entity';
import { CameraExistsError, CamerasRepository } from '../../src/cameras/cameras.repository';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { STORE_DIALECTS, useStores } from '../support/store-dialects';

const storeFor = useStores();

/** The cameras table on a real SQLite file and a real PostgreSQL database, through the same Nest wiring as the server. */
describe.each(STORE_DIALECTS)('CamerasRepository (real %s store)', (dialect) => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let context: INestApplicationContext | undefined;

  /** Opens (or reopens, like a server restart) the store. */
  async function start(): Promise<{ cameras: CamerasRepository; db: DataSource }> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }),
        DatabaseModule,
        TypeOrmModule.forFeature([CameraRecord]),
      ],
      providers: [CamerasRepository],
    }).compile();
    context = await moduleRef.init();
    return { cameras: context.get(CamerasRepository), db: context.get(DataSource) };
  }

  async function stop(): Promise<void> {
    await context?.close();
    context = undefined;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cameras-repo-'));
    env = await storeFor(dialect, dir);
  });

  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const door: CameraDefinition = { name: 'door', source: 'rtsp://cam/door', enabled: true, recognizeEveryN: 3, smallFacePass: 'off', matchThreshold: -0.5 };
  const yard: CameraDefinition = { name: 'yard', source: '0', enabled: false };

  it('inserts and reads back definitions, with their overrides and origin', async () => {
    const { cameras, db } = await start();
    expect(await cameras.insert(door, 'api')).toEqual(door);
    expect(await cameras.insert(yard, 'config')).toEqual(yard);
    expect(await cameras.all()).toEqual([door, yard]);
    expect(await cameras.find('door')).toEqual(door);
    expect(await cameras.find('gate')).toBeUndefined();
    const rows = await db.query('SELECT name, enabled, overrides, origin, "createdAt" FROM camera ORDER BY id');
    expect(rows.map((r: { origin: string }) => r.origin)).toEqual(['api', 'config']);
    expect(JSON.parse(rows[1].overrides)).toEqual({});
    // Epoch ms in a 64-bit column (pg hands bigint over as text).
    expect(Number(rows[0].createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a taken name and writes no second row', async () => {
    const { cameras, db } = await start();
    await cameras.insert(door, 'config');
    await expect(cameras.insert({ ...yard, name: 'door' }, 'api')).rejects.toBeInstanceOf(CameraExistsError);
    // Two at once: the check runs inside the lock, so exactly one wins.
    const results = await Promise.allSettled([cameras.insert(yard, 'api'), cameras.insert(yard, 'api')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await db.query('SELECT name FROM camera ORDER BY id')).toEqual([{ name: 'door' }, { name: 'yard' }]);
  });

  it('keeps names unique in the table itself', async () => {
    const { db } = await start();
    const insert = (createdAt: number) =>
      db.query(`INSERT INTO camera (name, source, enabled, overrides, origin, "createdAt") VALUES ('door', 'auto', true, '{}', 'api', ${createdAt})`);
    await insert(1);
    await expect(insert(2)).rejects.toThrow(/UNIQUE|unique constraint/);
  });

  it('updates source, enabled and overrides; null removes an override', async () => {
    const { cameras } = await start();
    await cameras.insert(door, 'config');
    const updated = await cameras.update('door', { source: 'rtsp://cam/door2', enabled: false, recognizeEveryN: null, jpegQuality: 60, matchThreshold: 0 });
    const expected = { name: 'door', source: 'rtsp://cam/door2', enabled: false, smallFacePass: 'off', matchThreshold: 0, jpegQuality: 60 };
    expect(updated).toEqual(expected);
    expect(await cameras.find('door')).toEqual(expected);
    // An empty patch changes nothing.
    expect(await cameras.update('door', {})).toEqual(expected);
    expect(await cameras.update('gate', { enabled: true })).toBeUndefined();
  });

  it('removes a camera, once', async () => {
    const { cameras } = await start();
    await cameras.insert(door, 'api');
    await cameras.insert(yard, 'api');
    expect(await cameras.remove('door')).toBe(true);
    expect(await cameras.remove('door')).toBe(false);
    expect(await cameras.all()).toEqual([yard]);
    // The name is free again.
    expect(await cameras.insert(door, 'api')).toEqual(door);
  });

  it('ensure adds only the missing configured cameras, across restarts, and the database wins', async () => {
    let { cameras } = await start();
    expect(await cameras.ensure([door, yard], 'config')).toEqual([door, yard]);
    expect(await cameras.ensure([door, yard], 'config')).toEqual([door, yard]);
    await cameras.update('door', { enabled: false });
    await cameras.insert({ name: 'gate', source: 'auto', enabled: true }, 'api');
    await stop();

    ({ cameras } = await start());
    const gate = { name: 'gate', source: 'auto', enabled: true };
    // The configuration changed door and added lobby: door stays as stored, lobby is added.
    const lobby = { name: 'lobby', source: '/v/lobby.mp4', enabled: true, loop: false };
    expect(await cameras.ensure([{ ...door, source: 'rtsp://elsewhere' }, yard, lobby], 'config')).toEqual([{ ...door, enabled: false }, yard, gate, lobby]);
    const db = context!.get(DataSource);
    expect(await db.getRepository(CameraRecord).count()).toBe(4);
    expect(await cameras.ensure([], 'config')).toHaveLength(4);
  });
});
