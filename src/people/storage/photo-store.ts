import { randomUUID } from 'node:crypto';

/** The stored files of one face sample, by generated name. */
export interface SampleFiles {
  photo: string;
  thumbnail: string;
}

export type PhotoFolder = 'photos' | 'thumbnails';

/** A generated name: a UUID and an extension we chose. Anything else is refused, so no path escapes the store. */
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z]{3,4}$/;

export function assertStoredName(name: string): void {
  if (!STORED_NAME.test(name)) throw new Error(`not a stored file name: ${JSON.stringify(name)}`);
}

/** What readers of a missing photo catch (the code of a missing file, whatever the store). */
export function missingPhoto(kind: PhotoFolder, name: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${kind}/${name} is missing`), { code: 'ENOENT' });
}

/**
 * Enrollment photos (as uploaded) and face thumbnails, by generated name: files under DATA_DIR
 * with SQLite (FilePhotoStore), rows of the database with PostgreSQL (DatabasePhotoStore), so
 * every node sharing the database serves every photo and an erasure reaches all of them.
 */
export abstract class PhotoStore {
  /** Stores both files of a sample, or neither. */
  async saveSample(photo: Uint8Array, photoExtension: string, thumbnailJpeg: Uint8Array): Promise<SampleFiles> {
    const photoName = await this.save('photos', photo, `${randomUUID()}${photoExtension}`);
    try {
      return { photo: photoName, thumbnail: await this.save('thumbnails', thumbnailJpeg, `${randomUUID()}.jpg`) };
    } catch (err) {
      await this.delete('photos', photoName);
      throw err;
    }
  }

  readPhoto(name: string): Promise<Buffer> {
    assertStoredName(name);
    return this.read('photos', name);
  }

  readThumbnail(name: string): Promise<Buffer> {
    assertStoredName(name);
    return this.read('thumbnails', name);
  }

  /** Deletes a sample's files; already missing files are fine. */
  async removeSample(files: SampleFiles): Promise<void> {
    assertStoredName(files.photo);
    assertStoredName(files.thumbnail);
    await Promise.all([this.delete('photos', files.photo), this.delete('thumbnails', files.thumbnail)]);
  }

  /** Stores `bytes` under `name` (atomically: never half a photo under a name); returns the name. */
  protected abstract save(kind: PhotoFolder, bytes: Uint8Array, name: string): Promise<string>;
  /** The bytes, or a rejection with code ENOENT (missingPhoto) when there are none. */
  protected abstract read(kind: PhotoFolder, name: string): Promise<Buffer>;
  protected abstract delete(kind: PhotoFolder, name: string): Promise<void>;
}
