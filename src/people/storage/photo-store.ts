import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config';

/** The stored files of one face sample, by generated name. */
export interface SampleFiles {
  photo: string;
  thumbnail: string;
}

type Folder = 'photos' | 'thumbnails';

/** A generated name: a UUID and an extension we chose. Anything else is refused, so no path escapes the store. */
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z]{3,4}$/;

/**
 * Enrollment photos (as uploaded) under DATA_DIR/photos and face thumbnails under
 * DATA_DIR/thumbnails. Writes are atomic (temp file + rename), so a crash never leaves
 * half a photo under a name the database points at.
 */
@Injectable()
export class PhotoStore implements OnModuleInit {
  readonly root: string;

  constructor(config: ConfigService<AppConfig, true>) {
    this.root = resolve(config.get('DATA_DIR', { infer: true }));
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([mkdir(this.folder('photos'), { recursive: true }), mkdir(this.folder('thumbnails'), { recursive: true })]);
  }

  folder(kind: Folder): string {
    return join(this.root, kind);
  }

  /** Stores both files of a sample, or neither. */
  async saveSample(photo: Uint8Array, photoExtension: string, thumbnailJpeg: Uint8Array): Promise<SampleFiles> {
    const photoName = await this.save('photos', photo, photoExtension);
    try {
      return { photo: photoName, thumbnail: await this.save('thumbnails', thumbnailJpeg, '.jpg') };
    } catch (err) {
      await this.delete('photos', photoName);
      throw err;
    }
  }

  readPhoto(name: string): Promise<Buffer> {
    return readFile(this.pathOf('photos', name));
  }

  readThumbnail(name: string): Promise<Buffer> {
    return readFile(this.pathOf('thumbnails', name));
  }

  /** Deletes a sample's files; already missing files are fine. */
  async removeSample(files: SampleFiles): Promise<void> {
    await Promise.all([this.delete('photos', files.photo), this.delete('thumbnails', files.thumbnail)]);
  }

  private async save(kind: Folder, bytes: Uint8Array, extension: string): Promise<string> {
    const name = `${randomUUID()}${extension}`;
    const target = this.pathOf(kind, name);
    const temp = `${target}.tmp`;
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return name;
  }

  private async delete(kind: Folder, name: string): Promise<void> {
    await rm(this.pathOf(kind, name), { force: true });
  }

  private pathOf(kind: Folder, name: string): string {
    if (!STORED_NAME.test(name)) throw new Error(`not a stored file name: ${JSON.stringify(name)}`);
    return join(this.folder(kind), name);
  }
}
