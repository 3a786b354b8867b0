import type { StoreDialect } from '../../src/database/store-options';
import { startPostgres, type RunningPostgres } from './postgres';

/** Every store the server supports: the specs that exercise SQL run once per dialect (`describe.each(STORE_DIALECTS)`). */
export const STORE_DIALECTS: StoreDialect[] = ['sqlite', 'postgres'];

/**
 * One PostgreSQL cluster for the whole test file, started before its first test (about 3 s; in
 * its own hook, with room for a busy machine) and removed after its last (afterAll runs on
 * failure too). Call at the top of a spec file. Returns the store settings for a dialect:
 * DATA_DIR always, and for PostgreSQL a fresh database.
 */
export function useStores(): (dialect: StoreDialect, dataDir: string) => Promise<{ DATA_DIR: string; DATABASE_URL?: string }> {
  let cluster: RunningPostgres | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(() => cluster?.dispose(), 30_000);
  return async (dialect, dataDir) => {
    // ConfigModule copies validated settings into process.env, and ConfigService falls back to
    // process.env for a setting left unset: a URL from an earlier suite would leak into this one.
    delete process.env.DATABASE_URL;
    if (dialect === 'sqlite') return { DATA_DIR: dataDir };
    if (!cluster) throw new Error('no PostgreSQL cluster: call useStores() at the top of the spec file');
    return { DATA_DIR: dataDir, DATABASE_URL: await cluster.createDatabase() };
  };
}
