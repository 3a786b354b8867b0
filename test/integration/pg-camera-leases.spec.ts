import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { CameraRun } from '../../src/cluster/camera-leases.port';
import { PgCameraLeases } from '../../src/cluster/pg-camera-leases';
import { openStore, storeOptions } from '../../src/database/store-options';
import { startPostgres, type RunningPostgres } from '../support/postgres';

jest.setTimeout(60_000);

const RUN: CameraRun = { state: 'live', fps: 25, viewers: 2, width: 640, height: 360 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lease table on a real PostgreSQL: one holder per camera, even when nodes race; expiry on the database's clock. */
describe('PgCameraLeases (a real PostgreSQL)', () => {
  let postgres: RunningPostgres;
  let stores: DataSource[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'camera-leases-'));
  let nodes: PgCameraLeases[];

  beforeAll(async () => {
    postgres = await startPostgres();
    const url = await postgres.createDatabase();
    // Each node its own pool, as separate processes would have.
    stores = await Promise.all([0, 1, 2].map(() => openStore(storeOptions({ DATA_DIR: dataDir, DATABASE_URL: url }))));
    nodes = stores.map((store) => new PgCameraLeases(store));
  }, 60_000);

  afterAll(async () => {
    for (const store of stores) await store.destroy();
    postgres?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('heartbeats on the database clock and lists the nodes alive within the window, with their URLs', async () => {
    const before = Date.now();
    const view = await nodes[0].heartbeat({ name: 'a', url: 'http://a:1' }, 10_000);
    expect(Math.abs(view.now - before)).toBeLessThan(5_000);
    await nodes[1].heartbeat({ name: 'b', url: 'http://b:1' }, 10_000);
    expect((await nodes[0].heartbeat({ name: 'a', url: 'http://a:2' }, 10_000)).nodes).toEqual([
      { name: 'a', url: 'http://a:2' },
      { name: 'b', url: 'http://b:1' },
    ]);
    await sleep(300);
    // b has not beaten within the last 200 ms: not alive by that window.
    expect((await nodes[0].heartbeat({ name: 'a', url: 'http://a:2' }, 200)).nodes.map((node) => node.name)).toEqual(['a']);
    await nodes[1].leave('b');
    expect((await nodes[0].heartbeat({ name: 'a', url: 'http://a:2' }, 10_000)).nodes.map((node) => node.name)).toEqual(['a']);
  });

  it('gives a camera to exactly one of many nodes racing for it, and lets only the holder renew', async () => {
    for (let round = 0; round < 10; round++) {
      const camera = `race-${round}`;
      const won = await Promise.all(nodes.map((node, i) => node.acquire(camera, `n${i}`, 10_000, RUN)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = won.indexOf(true);
      expect(await nodes[(holder + 1) % 3].acquire(camera, `n${(holder + 1) % 3}`, 10_000, RUN)).toBe(false);
      expect(await nodes[holder].acquire(camera, `n${holder}`, 10_000, { ...RUN, viewers: 5 })).toBe(true);
    }
    const { leases } = await nodes[0].heartbeat({ name: 'a', url: 'http://a:2' }, 10_000);
    expect(leases.filter((lease) => lease.camera.startsWith('race-'))).toHaveLength(10);
    expect(leases.find((lease) => lease.camera === 'race-0')).toMatchObject({ state: 'live', fps: 25, viewers: 5, width: 640, height: 360 });
  });

  it('lets another node take a lease only once it has expired, and a release frees it at once', async () => {
    expect(await nodes[0].acquire('door', 'a', 400, RUN)).toBe(true);
    expect(await nodes[1].acquire('door', 'b', 10_000, RUN)).toBe(false);
    await sleep(500);
    expect(await nodes[1].acquire('door', 'b', 10_000, RUN)).toBe(true);
    // The old holder cannot renew what it lost.
    expect(await nodes[0].acquire('door', 'a', 10_000, RUN)).toBe(false);
    await nodes[0].release('door', 'a'); // not a's: nothing happens
    expect(await nodes[2].acquire('door', 'c', 10_000, RUN)).toBe(false);
    await nodes[1].release('door', 'b');
    expect(await nodes[2].acquire('door', 'c', 10_000, RUN)).toBe(true);
    const { now, leases } = await nodes[2].heartbeat({ name: 'c', url: 'http://c:1' }, 10_000);
    const door = leases.find((lease) => lease.camera === 'door')!;
    expect(door.node).toBe('c');
    expect(door.expiresAt - now).toBeGreaterThan(9_000);
    expect(door.expiresAt - now).toBeLessThanOrEqual(10_000);
  });
});
