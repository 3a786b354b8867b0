import { readdir, readFile, stat } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { CliError, usageError } from './cli-errors';

/** Refuses (exit 2) a path that is missing or not a regular file. */
export async function requireFile(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw usageError(`${what} not found: ${path}`);
  if (!info.isFile()) throw usageError(`${what} is not a file: ${path}`);
}

/** Refuses (exit 2) a path that is missing or not a folder. */
export async function requireDir(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw usageError(`${what} not found: ${path}`);
  if (!info.isDirectory()) throw usageError(`${what} is not a folder: ${path}`);
}

/** Reads a file of at most `maxBytes` (checked before reading, so a huge file never fills memory). */
export async function readLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`${path}: ${err.code === 'ENOENT' ? 'not found' : err.message}`);
  });
  if (!info.isFile()) throw new CliError(`${path}: not a file`);
  if (info.size > maxBytes) throw new CliError(`${path}: ${info.size} bytes is over UPLOAD_MAX_BYTES (${maxBytes})`);
  return new Uint8Array(await readFile(path));
}

/** One person of a photo folder and their photo files (absolute paths, sorted). */
export interface PersonPhotos {
  name: string;
  files: string[];
}

/**
 * The people of a folder laid out as `DIR/<name>/<photos>` (one folder per person, as LFW)
 * and/or `DIR/<name>.jpg` (one photo per person, named after them, as FACES_DIR). Hidden
 * entries are ignored; a name present both ways gets both. Sorted by name, photos by file name.
 */
export async function listPeople(dir: string): Promise<PersonPhotos[]> {
  const people = new Map<string, string[]>();
  const add = (name: string, file: string) => people.set(name, [...(people.get(name) ?? []), file]);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const kind = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (kind?.isDirectory()) {
      for (const inner of await readdir(path, { withFileTypes: true })) {
        if (inner.name.startsWith('.') || inner.isDirectory()) continue;
        add(entry.name, join(path, inner.name));
      }
    } else {
      // A broken link stays in the list: it is reported as a bad file rather than silently dropped.
      add(parse(entry.name).name, path);
    }
  }
  return [...people.entries()]
    .map(([name, files]) => ({ name, files: files.sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
