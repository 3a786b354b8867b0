import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OnModuleInit } from '@nestjs/common';
import { assertStoredName, PhotoFolder, PhotoStore } from './photo-store';

/**
 * Photos under DATA_DIR/photos and thumbnails under DATA_DIR/thumbnails (the SQLite store).
 * Writes are atomic (temp file + rename), so a crash never leaves half a photo under a name the
 * database points at.
 */
export class FilePhotoStore extends PhotoStore implements OnModuleInit {
  readonly root: string;

  constructor(dataDir: string) {
    super();
    this.root = resolve(dataDir);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([mkdir(this.folder('photos'), { recursive: true }), mkdir(this.folder('thumbnails'), { recursive: true })]);
  }

  folder(kind: PhotoFolder): string {
    return join(this.root, kind);
  }

  protected async save(kind: PhotoFolder, bytes: Uint8Array, name: string): Promise<string> {
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

  protected read(kind: PhotoFolder, name: string): Promise<Buffer> {
    return readFile(this.pathOf(kind, name));
  }

  protected async delete(kind: PhotoFolder, name: string): Promise<void> {
    await rm(this.pathOf(kind, name), { force: true });
  }

  private pathOf(kind: PhotoFolder, name: string): string {
    assertStoredName(name);
    return join(this.folder(kind), name);
  }
}
