import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError } from 'typeorm';
import { validateConfig } from '../../src/config/app-config';
import { isUniqueViolation } from '../../src/database/query-errors';
import { SQLITE_FILE, storeDialectOf, storeOptions } from '../../src/database/store-options';

describe('store options: SQLite in DATA_DIR unless DATABASE_URL names a PostgreSQL database', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'store-options-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the SQLite file in DATA_DIR, migrated at open, never synchronized', () => {
    const options = storeOptions({ DATA_DIR: dir });
    expect(storeDialectOf({ DATA_DIR: dir })).toBe('sqlite');
    expect(options).toMatchObject({ type: 'sqlite', database: join(dir, SQLITE_FILE), migrationsRun: true, synchronize: false });
    expect((options.migrations as Function[]).map((m) => m.name)).toEqual(['SqliteBaseline1764720000000', 'SqliteRefusalsAndSignOuts1764806400000', 'SqliteBetterSamples1764810000000', 'SqliteRejectedViews1764820000000', 'SqliteCameraLeases1764900000000']);
  });

  it('opens PostgreSQL at DATABASE_URL with its own migrations', () => {
    const settings = { DATA_DIR: dir, DATABASE_URL: 'postgres://face:secret@db:5432/face' };
    expect(storeDialectOf(settings)).toBe('postgres');
    const options = storeOptions(settings);
    expect(options).toMatchObject({ type: 'postgres', url: settings.DATABASE_URL, migrationsRun: true, synchronize: false });
    expect((options.migrations as Function[]).map((m) => m.name)).toEqual(['PostgresBaseline1764720000000', 'PostgresRefusalsAndSignOuts1764806400000', 'PostgresBetterSamples1764810000000', 'PostgresRejectedViews1764820000000', 'PostgresCameraLeases1764900000000', 'PostgresSocketIoAttachments1764910000000']);
  });

  it('validates DATABASE_URL as a postgres:// URL and never repeats it in the error', () => {
    expect(validateConfig({ DATABASE_URL: 'postgresql://u:p@h/d' }).DATABASE_URL).toBe('postgresql://u:p@h/d');
    expect(validateConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    let message = '';
    try {
      validateConfig({ DATABASE_URL: 'mysql://root:hunter2@h/d' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL=\(hidden\): DATABASE_URL must be a postgres:\/\/ URL/);
    expect(message).not.toMatch(/hunter2/);
  });

  it('recognises a unique violation from either dialect, and nothing else', () => {
    const failure = (message: string, driverError: object) => new QueryFailedError('INSERT …', [], Object.assign(new Error(message), driverError));
    expect(isUniqueViolation(failure('SQLITE_CONSTRAINT: UNIQUE constraint failed: camera.name', { code: 'SQLITE_CONSTRAINT' }))).toBe(true);
    expect(isUniqueViolation(failure('duplicate key value violates unique constraint "UQ_x"', { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(failure('null value in column "name" violates not-null constraint', { code: '23502' }))).toBe(false);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed'))).toBe(false);
  });
});
