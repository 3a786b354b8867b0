import type { Readable } from 'node:stream';
import type { ArchiveEntry } from './person-archive';

/**
 * Writes entries as a ZIP, streamed as it is made (nothing is written to disk). A port: the
 * archive library is ESM only, which the tests' CommonJS runner cannot load, so the app's
 * ArchiverZipWriter (zip-writer.ts) loads it on first use.
 */
export abstract class ArchiveWriter {
  abstract zip(entries: ArchiveEntry[]): Promise<Readable>;
}
