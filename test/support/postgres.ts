import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './server-process';

const BIN = '/usr/lib/postgresql/15/bin';
/** initdb refuses to run as root: the cluster belongs to the `postgres` user the Debian package creates. */
const CLUSTER_USER = 'postgres';

/** A throwaway PostgreSQL cluster on a free loopback port (trust authentication, no password). */
export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:PORT` (no database: see createDatabase). */
  url: string;
  port: number;
  /** A new empty database; its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the cluster (`-m fast`), e.g. to test a restart; start() brings it back with its data. */
  stop(): void;
  start(): void;
  /** Stops it and removes its folder (safe to call twice). */
  dispose(): void;
}

/** Whether this machine has PostgreSQL 15 (`npm run setup` installs it). */
export function postgresInstalled(): boolean {
  try {
    execFileSync(join(BIN, 'pg_ctl'), ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a PostgreSQL binary as the cluster's user (as ourselves when we are not root). */
function runAsClusterUser(binary: string, args: string[]): void {
  const asRoot = userInfo().uid === 0;
  const [command, commandArgs] = asRoot ? ['runuser', ['-u', CLUSTER_USER, '--', join(BIN, binary), ...args]] : [join(BIN, binary), args];
  execFileSync(command, commandArgs, { stdio: 'pipe' });
}

/**
 * initdb + pg_ctl start in a temporary folder (about 3 s); one per test file, a fresh database per
 * suite (createDatabase). The folder is removed by dispose() — call it in afterAll, which jest runs
 * on failure too.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'postgres-test-'));
  if (userInfo().uid === 0) {
    const { uid, gid } = clusterUserIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const ctl = (action: string[]) => runAsClusterUser('pg_ctl', ['-D', data, ...action]);
  let running = false;
  const start = () => {
    ctl(['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
    running = true;
  };
  const stop = () => {
    if (!running) return;
    running = false;
    ctl(['-m', 'fast', '-w', 'stop']);
  };
  try {
    runAsClusterUser('initdb', ['-D', data, '-A', 'trust', '-U', CLUSTER_USER, '-E', 'UTF8', '--no-sync']);
    start();
  } catch (err) {
    try {
      stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw err;
  }
  const url = `postgres://${CLUSTER_USER}@127.0.0.1:${port}`;
  let databases = 0;
  const dispose = () => {
    process.off('exit', dispose);
    try {
      stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that exits without its afterAll (an abort, a timeout) still leaves no server behind.
  process.on('exit', dispose);
  return {
    url,
    port,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      const client = new Client({ connectionString: `${url}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `${url}/${name}`;
    },
    stop,
    start,
    dispose,
  };
}

function clusterUserIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, CLUSTER_USER]).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}
