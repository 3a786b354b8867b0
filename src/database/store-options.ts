import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { PostgresBaseline1764720000000 } from './migrations/postgres/1764720000000-baseline';
import { SqliteBaseline1764720000000 } from './migrations/sqlite/1764720000000-baseline';
import { PostgresRefusalsAndSignOuts1764806400000 } from './migrations/postgres/1764806400000-refusals-and-sign-outs';
import { SqliteRefusalsAndSignOuts1764806400000 } from './migrations/sqlite/1764806400000-refusals-and-sign-outs';
import { PostgresBetterSamples1764810000000 } from './migrations/postgres/1764810000000-better-samples';
import { SqliteBetterSamples1764810000000 } from './migrations/sqlite/1764810000000-better-samples';
import { PostgresRejectedViews1764820000000 } from './migrations/postgres/1764820000000-rejected-views';
import { SqliteRejectedViews1764820000000 } from './migrations/sqlite/1764820000000-rejected-views';
import { PostgresCameraLeases1764900000000 } from './migrations/postgres/1764900000000-camera-leases';
import { SqliteCameraLeases1764900000000 } from './migrations/sqlite/1764900000000-camera-leases';
import { PostgresSocketIoAttachments1764910000000 } from './migrations/postgres/1764910000000-socket-io-attachments';
import { adaptDriverToPortableTypes } from './portable-types';

export type StoreDialect = 'sqlite' | 'postgres';

/** The settings that choose the store (see AppConfig). */
export interface StoreSettings {
  DATA_DIR: string;
  DATABASE_URL?: string;
}

export const SQLITE_FILE = 'face-stream.sqlite';

export function storeDialectOf(settings: StoreSettings): StoreDialect {
  return settings.DATABASE_URL ? 'postgres' : 'sqlite';
}

/** Which dialect an open DataSource (or a transaction's manager) speaks. */
export function dialectOf(db: DataSource | EntityManager): StoreDialect {
  const type = (db instanceof DataSource ? db : db.connection).options.type;
  return type === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * The one place the store's TypeORM options are built (server, CLI, tests): PostgreSQL at
 * DATABASE_URL, else SQLite in DATA_DIR. The schema comes from the dialect's migrations, run at
 * every open (`synchronize` is off: a schema change is a reviewed migration, never a guess).
 */
export function storeOptions(settings: StoreSettings): DataSourceOptions {
  const common = { migrationsRun: true, synchronize: false, migrationsTableName: 'migrations' } as const;
  if (settings.DATABASE_URL) {
    return {
      ...common,
      type: 'postgres',
      url: settings.DATABASE_URL,
      applicationName: 'face-stream',
      migrations: [PostgresBaseline1764720000000, PostgresRefusalsAndSignOuts1764806400000, PostgresBetterSamples1764810000000, PostgresRejectedViews1764820000000, PostgresCameraLeases1764900000000, PostgresSocketIoAttachments1764910000000],
    };
  }
  const dataDir = resolve(settings.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  return {
    ...common,
    type: 'sqlite',
    database: join(dataDir, SQLITE_FILE),
    migrations: [SqliteBaseline1764720000000, SqliteRefusalsAndSignOuts1764806400000, SqliteBetterSamples1764810000000, SqliteRejectedViews1764820000000, SqliteCameraLeases1764900000000],
    // Write-ahead log: a commit is one append, readers never block the writer, and a
    // killed process loses nothing committed (SQLite replays the log at the next open).
    enableWAL: true,
    // The CLI may write to the same file while the server runs: wait instead of failing.
    busyTimeout: 5_000,
  };
}

/** Any constant: the PostgreSQL advisory lock nodes take while they migrate. */
const MIGRATION_LOCK = 7_405_117_731;

/** Opens the store: portable column types, connection, then any migration not yet applied. */
export async function openStore(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({ ...options, migrationsRun: false });
  adaptDriverToPortableTypes(dataSource);
  await dataSource.initialize();
  try {
    if (options.migrationsRun) await migrate(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/**
 * Applies pending migrations, all in one transaction. Nodes starting together on one PostgreSQL
 * database take turns (an advisory lock, held on a connection of its own): the first migrates,
 * the others then find nothing left to do instead of failing on tables that just appeared.
 */
async function migrate(dataSource: DataSource): Promise<void> {
  if (dialectOf(dataSource) === 'sqlite') {
    await dataSource.runMigrations({ transaction: 'all' });
    return;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}
