import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ArchiveWriter } from './archive-writer';
import type { ArchiveEntry } from './person-archive';

/** Images are compressed already: stored as they are; the manifest and CSV deflated. */
const STORED = /\.(jpe?g|png|webp)$/i;

type ArchiverModule = typeof import('archiver');
let archiver: Promise<ArchiverModule> | undefined;

/**
 * `archiver`'s ZIP, piped straight to the answer. Loaded on first use: it is ESM only, and the
 * integration specs that build PeopleModule under jest's CommonJS runner never export.
 */
@Injectable()
export class ArchiverZipWriter extends ArchiveWriter {
  private readonly logger = new Logger('Export');

  async zip(entries: ArchiveEntry[]): Promise<Readable> {
    const { ZipArchive } = await (archiver ??= import('archiver'));
    const archive = new ZipArchive({ zlib: { level: 6 } });
    archive.on('warning', (err) => this.logger.warn(`export archive: ${err.message}`));
    for (const entry of entries) archive.append(entry.data, { name: entry.name, date: entry.date, store: STORED.test(entry.name) });
    // An error destroys the stream: the client sees a cut answer, never a well-formed partial archive.
    void archive.finalize().catch((err: Error) => archive.destroy(err));
    return archive;
  }
}
