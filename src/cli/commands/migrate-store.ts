import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { validateConfig } from '../../config/app-config';
import { copySqliteToPostgres, countToCopy, ForeignTargetError, type TableCopy } from '../../database/store-copy';
import { openStore, SQLITE_FILE, storeOptions } from '../../database/store-options';
import { CliError, usageError } from '../cli-errors';
import { printJson } from '../format';
import { progressBar } from '../progress';

export interface MigrateStoreOptions {
  to: string;
  json?: boolean;
}

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

/**
 * `migrate-store --to postgres://…`: DATA_DIR's SQLite store (people, samples, photos,
 * sightings, inbox, cameras, audit) copied into a PostgreSQL database, which is migrated first.
 * Ids are kept, so a second run copies nothing twice (and a run cut short can simply be repeated).
 */
export async function migrateStoreCommand(options: MigrateStoreOptions): Promise<void> {
  if (!POSTGRES_URL.test(options.to)) throw usageError('--to must be a postgres:// URL');
  let dataDir: string;
  try {
    dataDir = resolve(validateConfig({ ...process.env, DATABASE_URL: '' }).DATA_DIR);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (!existsSync(join(dataDir, SQLITE_FILE))) throw usageError(`no store to copy: ${join(dataDir, SQLITE_FILE)} does not exist (set DATA_DIR)`);

  const opened: DataSource[] = [];
  try {
    const source = await openStore(storeOptions({ DATA_DIR: dataDir }));
    opened.push(source);
    const target = await openStore(storeOptions({ DATA_DIR: dataDir, DATABASE_URL: options.to })).catch((err: Error) => {
      throw new CliError(`cannot open ${redacted(options.to)}: ${err.message}`);
    });
    opened.push(target);
    const progress = progressBar(await countToCopy(source), 'copying');
    let copies: TableCopy[];
    try {
      copies = await copySqliteToPostgres(source, target, dataDir, (label) => progress.tick(label));
    } finally {
      progress.stop();
    }
    if (options.json) printJson({ from: join(dataDir, SQLITE_FILE), to: redacted(options.to), tables: copies });
    else printSummary(join(dataDir, SQLITE_FILE), redacted(options.to), copies);
  } catch (err) {
    if (err instanceof ForeignTargetError) throw new CliError(err.message);
    throw err;
  } finally {
    for (const db of opened) await db.destroy();
  }
}

function printSummary(from: string, to: string, copies: TableCopy[]): void {
  const lines = [`copied ${from} -> ${to}`, `${'table'.padEnd(14)}${'source'.padStart(8)}${'copied'.padStart(8)}${'present'.padStart(9)}${'missing'.padStart(9)}`];
  for (const c of copies) lines.push(`${c.table.padEnd(14)}${String(c.source).padStart(8)}${String(c.copied).padStart(8)}${String(c.present).padStart(9)}${String(c.missing).padStart(9)}`);
  const copied = copies.reduce((n, c) => n + c.copied, 0);
  const missing = copies.reduce((n, c) => n + c.missing, 0);
  lines.push(copied === 0 ? 'nothing new to copy: the target has everything already' : `${copied} rows and photos copied`);
  if (missing > 0) lines.push(`${missing} photo files named by samples were not in DATA_DIR (not copied)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
