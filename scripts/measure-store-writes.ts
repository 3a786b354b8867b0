/**
 * What one camera's recorders write to PostgreSQL: runs the built server with the demo camera on a
 * throwaway cluster for MEASURE_SECONDS (default 90), two of its people enrolled, and reports rows
 * and bytes per table (pg_stat_user_tables, pg_total_relation_size, average row sizes) and the WAL
 * written. The demo recording is busy (faces in view most of the time): an upper bound for a door.
 * Run after `npm run build`: npx ts-node-transpile-only scripts/measure-store-writes.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEMO_VIDEO, TESTDATA } from '../test/support/paths';
import { startPostgres } from '../test/support/postgres';
import { startServer, withAdminKey } from '../test/support/server-process';

const TABLES = ['sightings', 'unknown_faces', 'audit_log', 'people', 'face_samples', 'photo_files'];

async function main(): Promise<void> {
  const seconds = Number(process.env.MEASURE_SECONDS ?? 90);
  const postgres = await startPostgres();
  const url = await postgres.createDatabase('store_writes');
  const server = await startServer({ DATABASE_URL: url, NODE_NAME: 'measure', CAMERAS: JSON.stringify([{ name: 'door', source: DEMO_VIDEO }]) });
  const sql = new Client({ connectionString: url });
  try {
    await sql.connect();
    for (const name of ['Colin_Powell', 'Hugo_Chavez']) {
      const form = new FormData();
      form.append('name', name);
      form.append('image', new Blob([readFileSync(join(TESTDATA, 'video', 'enroll', `${name}.jpg`))]), 'photo.jpg');
      const reply = await fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: form });
      if (reply.status !== 201) throw new Error(`enroll ${name}: ${reply.status}`);
    }
    const stats = async () =>
      Object.fromEntries(
        (await sql.query(`SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables`)).rows.map((r) => [r.relname, { ins: Number(r.n_tup_ins), upd: Number(r.n_tup_upd) }]),
      );
    const wal = async () => (await sql.query('SELECT pg_current_wal_lsn() AS l')).rows[0].l as string;
    const before = await stats();
    const wal0 = await wal();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    // pg_stat counters are sent by backends at most every 500 ms (and at transaction end).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await stats();
    const walBytes = Number((await sql.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS d', [wal0])).rows[0].d);
    console.log(`${seconds} s of the demo camera (12.5 fps), two people enrolled:`);
    for (const table of TABLES) {
      const size = (await sql.query(`SELECT pg_total_relation_size($1) AS total, (SELECT count(*) FROM ${table}) AS n, (SELECT coalesce(avg(pg_column_size(t.*)), 0) FROM ${table} t) AS row`, [table])).rows[0];
      const ins = (after[table]?.ins ?? 0) - (before[table]?.ins ?? 0);
      const upd = (after[table]?.upd ?? 0) - (before[table]?.upd ?? 0);
      console.log(`  ${table}: ${size.n} rows, average row ${Math.round(Number(size.row))} B (TOAST-compressed columns included), table+indexes+TOAST ${Math.round(Number(size.total) / 1024)} kB; during the run ${ins} inserts, ${upd} updates`);
    }
    console.log(`  WAL: ${Math.round(walBytes / 1024)} kB (${Math.round(walBytes / seconds)} B/s)`);
  } finally {
    await sql.end().catch(() => undefined);
    await server.dispose();
    postgres.dispose();
  }
}

void main();
