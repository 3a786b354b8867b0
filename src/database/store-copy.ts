import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { PHOTO_FILES_TABLE } from '../people/storage/database-photo-store';
import { assertStoredName, type PhotoFolder } from '../people/storage/photo-store';

/** The tables copied, parents first (face_samples refers to people), and what identifies a row besides its id. */
export const COPIED_TABLES = [
  { table: 'people', identity: ['nameKey'] },
  { table: 'face_samples', identity: ['personId', 'photoSha256'] },
  { table: 'sample_suggestions', identity: ['personId', 'seenAt'] },
  { table: 'rejected_views', identity: ['personId', 'rejectedAt'] },
  { table: 'sightings', identity: ['personId', 'camera', 'firstSeen'] },
  { table: 'unknown_faces', identity: ['camera', 'firstSeen'] },
  { table: 'camera', identity: ['name'] },
  { table: 'audit_log', identity: ['at', 'path'] },
] as const;

export type CopiedTable = (typeof COPIED_TABLES)[number]['table'] | 'photos';

export interface TableCopy {
  table: CopiedTable;
  /** Rows (or photo files) in the source. */
  source: number;
  /** Written by this run. */
  copied: number;
  /** In the target already (an earlier run). */
  present: number;
  /** Photo files a sample names that are not in DATA_DIR (nothing to copy). */
  missing: number;
}

/** The target holds rows that did not come from this source: copying would mix two libraries. */
export class ForeignTargetError extends Error {}

const BATCH = 200;
const BOOLEAN_COLUMNS: Record<string, string[]> = { sightings: ['ongoing'], camera: ['enabled'] };
const DATE_COLUMNS: Record<string, string[]> = { people: ['createdAt', 'updatedAt'], face_samples: ['createdAt'] };

/**
 * Copies a SQLite store (its tables and DATA_DIR's photo files) into a PostgreSQL store, keeping
 * every id, so it can run again: rows already there (same id, same identity) are skipped, never
 * written twice. `onProgress` is called once per row or photo handled.
 */
export async function copySqliteToPostgres(source: DataSource, target: DataSource, dataDir: string, onProgress: (label: string) => void): Promise<TableCopy[]> {
  const results: TableCopy[] = [];
  for (const { table, identity } of COPIED_TABLES) {
    const result: TableCopy = { table, source: 0, copied: 0, present: 0, missing: 0 };
    for (let lastId = 0; ; ) {
      const rows: Array<Record<string, unknown>> = await source.query(`SELECT * FROM "${table}" WHERE id > ? ORDER BY id LIMIT ${BATCH}`, [lastId]);
      if (rows.length === 0) break;
      lastId = rows[rows.length - 1].id as number;
      const copied = await insertMissing(target, table, rows.map((row) => toPostgres(table, row)));
      const skipped = rows.filter((row) => !copied.has(row.id as number));
      await assertSameRows(target, table, identity, skipped);
      result.source += rows.length;
      result.copied += copied.size;
      result.present += skipped.length;
      for (let i = 0; i < rows.length; i++) onProgress(table);
    }
    // Ids were given explicitly: the serial continues after the largest.
    await target.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), COALESCE((SELECT MAX(id) FROM "${table}"), 0) + 1, false)`);
    results.push(result);
  }
  results.push(await copyPhotos(source, target, dataDir, onProgress));
  return results;
}

/** Rows and photos a copy will go through (for the progress bar). */
export async function countToCopy(source: DataSource): Promise<number> {
  let total = 0;
  for (const { table } of COPIED_TABLES) total += Number((await source.query(`SELECT COUNT(*) AS n FROM "${table}"`))[0].n);
  return total + 2 * Number((await source.query('SELECT COUNT(*) AS n FROM face_samples'))[0].n);
}

/** Inserts the rows whose id is free; the ids inserted. */
async function insertMissing(target: DataSource, table: string, rows: Array<Record<string, unknown>>): Promise<Set<number>> {
  const columns = Object.keys(rows[0]);
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((column) => `$${values.push(row[column])}`).join(', ')})`);
  const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING RETURNING id`;
  const inserted: Array<{ id: number }> = await target.query(sql, values);
  return new Set(inserted.map((row) => row.id));
}

/** Rows skipped because their id was taken must be the same rows (from an earlier run), not another library's. */
async function assertSameRows(target: DataSource, table: string, identity: readonly string[], rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const present: Array<Record<string, unknown>> = await target.query(`SELECT id, ${identity.map((c) => `"${c}"`).join(', ')} FROM "${table}" WHERE id = ANY($1)`, [rows.map((row) => row.id)]);
  const byId = new Map(present.map((row) => [Number(row.id), row]));
  for (const row of rows) {
    const other = byId.get(row.id as number);
    if (!other || identity.some((column) => String(other[column]) !== String(row[column]))) {
      throw new ForeignTargetError(`the target's ${table} row ${String(row.id)} is not the source's: copy into an empty database (or one this command filled)`);
    }
  }
}

/** SQLite keeps booleans as 0/1, and dates as UTC text without a zone (`2026-12-03 11:59:12`). */
function toPostgres(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const converted = { ...row };
  for (const column of BOOLEAN_COLUMNS[table] ?? []) converted[column] = Boolean(row[column]);
  for (const column of DATE_COLUMNS[table] ?? []) converted[column] = new Date(`${String(row[column]).replace(' ', 'T')}Z`);
  return converted;
}

/** Each sample's photo and thumbnail from DATA_DIR into photo_files (where DatabasePhotoStore reads them). */
async function copyPhotos(source: DataSource, target: DataSource, dataDir: string, onProgress: (label: string) => void): Promise<TableCopy> {
  const result: TableCopy = { table: 'photos', source: 0, copied: 0, present: 0, missing: 0 };
  const samples: Array<{ photoFile: string; thumbnailFile: string }> = await source.query('SELECT "photoFile", "thumbnailFile" FROM face_samples ORDER BY id');
  const files: Array<[PhotoFolder, string]> = samples.flatMap((s) => [['photos', s.photoFile] as [PhotoFolder, string], ['thumbnails', s.thumbnailFile] as [PhotoFolder, string]]);
  for (const [kind, name] of files) {
    onProgress(name);
    result.source++;
    // A name the server generated, never a path: the source file could have been edited.
    assertStoredName(name);
    const there = await target.query(`SELECT 1 FROM ${PHOTO_FILES_TABLE} WHERE kind = $1 AND name = $2`, [kind, name]);
    if (there.length > 0) {
      result.present++;
      continue;
    }
    const bytes = await readFile(join(dataDir, kind, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!bytes) {
      result.missing++;
      continue;
    }
    await target.query(`INSERT INTO ${PHOTO_FILES_TABLE} (kind, name, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [kind, name, bytes]);
    result.copied++;
  }
  return result;
}
