/**
 * What per-frame Socket.IO events across nodes cost PostgreSQL: publishes realistic cluster-adapter
 * messages with pg_notify at fixed rates to two listening connections (two nodes) on a throwaway
 * cluster, and reports PostgreSQL's CPU (all its processes), the publisher's, WAL bytes per message
 * and the delivery delay. Run: npx ts-node-transpile-only scripts/measure-notify-cost.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { startPostgres } from '../test/support/postgres';

const TICKS_PER_S = 100;

/** A `faces` event of a camera with two faces, as the adapter wraps it (BROADCAST, type 3). */
function message(camera: string, at: number): string {
  const faces = [0, 1].map((i) => ({ trackId: 1000 + i, name: i ? 'Unknown' : 'Serena_Williams', personId: i ? null : 3, confidence: 97.2, since: new Date(at - 5000).toISOString(), box: [160 + i * 400, 300, 118, 130] }));
  const payload = { camera, at: new Date(at).toISOString(), frameWidth: 1280, frameHeight: 720, faces };
  return JSON.stringify({ uid: 'a1b2c3d4e5f60718', nsp: '/', type: 3, data: { packet: { type: 2, data: ['faces', payload], nsp: '/' }, opts: { rooms: [], except: ['node:4f1c2d3e'], flags: {} } } });
}

function postgresTicks(postmasterPid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      if (pid === postmasterPid || Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks;
}

async function main(): Promise<void> {
  // NOTIFY_COST_URL: a database of a cluster of your own (with fsync on, unlike the throwaway one started here).
  const postgres = process.env.NOTIFY_COST_URL ? { createDatabase: async () => process.env.NOTIFY_COST_URL!, dispose: () => undefined } : await startPostgres();
  try {
    const url = await postgres.createDatabase('notify_cost');
    const dataDir = (await new Pool({ connectionString: url }).query('SHOW data_directory')).rows[0].data_directory as string;
    const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    for (const synchronousCommit of ['on', 'off']) {
    // What the adapter's pool is given: commits of notifications need not wait for the WAL flush.
    const pool = new Pool({ connectionString: url, max: 2, options: `-c synchronous_commit=${synchronousCommit}` });
    const listeners = await Promise.all([0, 1].map(async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query('LISTEN "socket.io#/"');
      return client;
    }));
    let received = 0;
    let delaySum = 0;
    for (const client of listeners) client.on('notification', (m) => {
      received++;
      delaySum += Date.now() - JSON.parse(m.payload!).data.packet.data[1].sentAt;
    });
    const bytes = Buffer.byteLength(message('camera-01', Date.now()));
    console.log(`message size: ${bytes} bytes; ${(await pool.query('SHOW synchronous_commit')).rows[0].synchronous_commit} synchronous_commit, fsync ${(await pool.query('SHOW fsync')).rows[0].fsync}`);
    for (const rate of [24, 240, 720, 1440, 0]) {
      received = 0;
      delaySum = 0;
      const seconds = 5;
      const wal0 = (await pool.query('SELECT pg_current_wal_lsn() AS l')).rows[0].l as string;
      const pg0 = postgresTicks(postmasterPid);
      const cpu0 = process.cpuUsage();
      const start = Date.now();
      let sent = 0;
      const inFlight = new Set<Promise<unknown>>();
      while (Date.now() - start < seconds * 1000) {
        const due = rate === 0 ? sent + 1 : Math.floor(((Date.now() - start) / 1000) * rate);
        while (sent < due && inFlight.size < 64) {
          const text = message(`camera-${sent % 30}`, Date.now()).replace('"frameWidth"', `"sentAt":${Date.now()},"frameWidth"`);
          const p = pool.query('SELECT pg_notify($1, $2)', ['socket.io#/', text]).finally(() => inFlight.delete(p));
          inFlight.add(p);
          sent++;
        }
        await (inFlight.size >= 64 || rate === 0 ? Promise.race(inFlight) : new Promise((r) => setTimeout(r, 5)));
      }
      await Promise.all(inFlight);
      await new Promise((r) => setTimeout(r, 300));
      const elapsed = (Date.now() - start) / 1000;
      const pgCpu = (postgresTicks(postmasterPid) - pg0) / TICKS_PER_S / elapsed;
      const cpu = process.cpuUsage(cpu0);
      const wal = (await pool.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS d', [wal0])).rows[0].d as string;
      console.log(
        `${rate === 0 ? 'as fast as possible' : `${rate}/s`}: ${(sent / elapsed).toFixed(0)} notifications/s sent, ${(received / 2 / elapsed).toFixed(0)}/s received per listener, ` +
          `PostgreSQL CPU ${(pgCpu * 100).toFixed(1)} % of one core, publisher+2 listeners (this process) ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(1)} %, ` +
          `WAL ${(Number(wal) / sent).toFixed(0)} B/notification, mean delivery ${(delaySum / Math.max(1, received)).toFixed(1)} ms`,
      );
    }
    for (const client of listeners) await client.end();
    await pool.end();
    }
  } finally {
    postgres.dispose();
  }
}

void main();
