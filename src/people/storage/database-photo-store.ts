import type { DataSource } from 'typeorm';
import { forgetCommitted } from '../../database/secure-delete';
import { missingPhoto, PhotoFolder, PhotoStore, SampleFiles } from './photo-store';

/** The PostgreSQL table holding the photos (see the PostgreSQL baseline migration). */
export const PHOTO_FILES_TABLE = 'photo_files';

/**
 * Photos and thumbnails as `bytea` rows of the shared PostgreSQL database: every node serves
 * every photo, a backup of the database is a backup of everything, and an erasure deletes the
 * one copy. One statement each (a row is written whole or not at all).
 */
export class DatabasePhotoStore extends PhotoStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  protected async save(kind: PhotoFolder, bytes: Uint8Array, name: string): Promise<string> {
    await this.db.query(`INSERT INTO ${PHOTO_FILES_TABLE} (kind, name, bytes) VALUES ($1, $2, $3)`, [kind, name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    return name;
  }

  protected async read(kind: PhotoFolder, name: string): Promise<Buffer> {
    const rows: Array<{ bytes: Buffer }> = await this.db.query(`SELECT bytes FROM ${PHOTO_FILES_TABLE} WHERE kind = $1 AND name = $2`, [kind, name]);
    if (rows.length === 0) throw missingPhoto(kind, name);
    return rows[0].bytes;
  }

  override async removeSample(files: SampleFiles): Promise<void> {
    await super.removeSample(files);
    // An erased photo does not wait for autovacuum (see SecureDelete).
    await forgetCommitted(this.db, [PHOTO_FILES_TABLE]);
  }

  protected async delete(kind: PhotoFolder, name: string): Promise<void> {
    await this.db.query(`DELETE FROM ${PHOTO_FILES_TABLE} WHERE kind = $1 AND name = $2`, [kind, name]);
  }
}
