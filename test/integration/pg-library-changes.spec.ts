import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { firstValueFrom, take, toArray, timeout } from 'rxjs';
import type { DataSource } from 'typeorm';
import { openStore, storeOptions } from '../../src/database/store-options';
import type { LibraryChange } from '../../src/library-sync/library-changes.port';
import { fingerprintOf } from '../../src/library-sync/library-fingerprint';
import { LIBRARY_CHANNEL, PgLibraryChanges } from '../../src/library-sync/pg-library-changes';
import { startPostgres, type RunningPostgres } from '../support/postgres';

jest.setTimeout(60_000);

/** The PostgreSQL adapter against a real server: what one node publishes, the others hear; a cut connection comes back. */
describe('PgLibraryChanges (LISTEN/NOTIFY on a real PostgreSQL)', () => {
  let postgres: RunningPostgres;
  let url: string;
  let store: DataSource;
  const dataDir = mkdtempSync(join(tmpdir(), 'library-changes-'));
  const adapters: PgLibraryChanges[] = [];

  /** A node's adapter, listening (its first listening$). */
  async function node(name: string): Promise<PgLibraryChanges> {
    const adapter = new PgLibraryChanges(store, url, name, { initialMs: 50, maxMs: 400 });
    adapters.push(adapter);
    const listening = firstValueFrom(adapter.listening$.pipe(timeout(10_000)));
    adapter.onApplicationBootstrap();
    await listening;
    return adapter;
  }

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    store = await openStore(storeOptions({ DATA_DIR: dataDir, DATABASE_URL: url }));
  }, 60_000);

  afterAll(async () => {
    for (const adapter of adapters) await adapter.onModuleDestroy();
    await store?.destroy();
    postgres?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a published change to every listening node, the publisher too, and skips what is not a change', async () => {
    const [a, b] = [await node('a'), await node('b')];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const heardByB = firstValueFrom(b.changes$.pipe(take(2), toArray(), timeout(5_000)));
    const heardByA = firstValueFrom(a.changes$.pipe(timeout(5_000)));
    // Anyone with access may notify the channel: junk is logged and dropped, not passed on.
    await store.query('SELECT pg_notify($1, $2)', [LIBRARY_CHANNEL, '{"personId":"DROP TABLE"}']);
    const change: LibraryChange = { personId: 12, kind: 'renamed', origin: 'a' };
    await a.publish(change);
    await a.publish({ personId: 13, kind: 'removed', origin: 'a' });
    expect(await heardByB).toEqual([change, { personId: 13, kind: 'removed', origin: 'a' }]);
    expect(await heardByA).toEqual(change);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ignored a malformed library notification'));
    warn.mockRestore();
  });

  it("computes the library's fingerprint in SQL exactly as a node computes its gallery's (any names, one model's samples)", async () => {
    const adapter = new PgLibraryChanges(store, url, 'fp');
    adapters.push(adapter);
    expect(await adapter.fingerprint('model-a')).toEqual(fingerprintOf([], []));
    const names = ['Ada', 'Zoë Ångström', '王小明', "O'Brien \\ \"quoted\""];
    const people: Array<{ personId: number; name: string }> = [];
    const samplesOfA: number[] = [];
    for (const [i, name] of names.entries()) {
      const [{ id }] = await store.query(`INSERT INTO people (name, "nameKey") VALUES ($1, $2) RETURNING id`, [name, `key-${i}`]);
      people.push({ personId: id, name });
      for (const modelId of ['model-a', 'model-b', 'model-a']) {
        const [sample] = await store.query(
          `INSERT INTO face_samples ("personId", embedding, "modelId", box, "photoFile", "thumbnailFile", "photoSha256") VALUES ($1, $2, $3, '{}', 'p', 't', 's') RETURNING id`,
          [id, Buffer.alloc(8), modelId],
        );
        if (modelId === 'model-a') samplesOfA.push(sample.id);
      }
    }
    expect(await adapter.fingerprint('model-a')).toEqual(fingerprintOf(people, samplesOfA));
    await store.query(`UPDATE people SET name = 'Ada L' WHERE id = $1`, [people[0].personId]);
    expect(await adapter.fingerprint('model-a')).not.toEqual(fingerprintOf(people, samplesOfA));
    expect(await adapter.fingerprint('model-a')).toEqual(fingerprintOf([{ ...people[0], name: 'Ada L' }, ...people.slice(1)], samplesOfA));
    await store.query('DELETE FROM people');
  });

  it('listens again after its connection is killed, says so (listening$), and hears the changes after that', async () => {
    const b = await node('b2');
    const relistened = firstValueFrom(b.listening$.pipe(timeout(10_000)));
    const killed = await store.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'face-stream listener b2'`);
    expect(killed).toEqual([{ ok: true }]);
    const started = Date.now();
    await relistened;
    expect(Date.now() - started).toBeLessThan(5_000);
    const heard = firstValueFrom(b.changes$.pipe(timeout(5_000)));
    await store.query('SELECT pg_notify($1, $2)', [LIBRARY_CHANNEL, JSON.stringify({ personId: 5, kind: 'added', origin: 'x' })]);
    expect(await heard).toEqual({ personId: 5, kind: 'added', origin: 'x' });
  });

  it('keeps trying while the database is down, and listens again once it is back', async () => {
    const b = await node('b3');
    const relistened = firstValueFrom(b.listening$.pipe(timeout(30_000)));
    postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    postgres.start();
    await relistened;
    expect(await store.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
