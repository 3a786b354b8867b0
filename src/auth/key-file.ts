import { chmodSync, closeSync, fstatSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiKey } from './api-key';

/** The file under DATA_DIR holding a generated admin key. */
export const KEY_FILE_NAME = 'admin-api-key';
/** Owner read/write only. */
export const KEY_FILE_MODE = 0o600;
const MIN_KEY_LENGTH = 16;

export type KeySource = 'configured' | 'file' | 'generated';

export interface AdminKey {
  key: string;
  source: KeySource;
  /** The key file, when the key lives in one. */
  file?: string;
}

/** What provisioning reports: the generated key is printed once, other notes are warnings. */
export interface KeyNotices {
  log(message: string): void;
  warn(message: string): void;
}

/** Where the key comes from: ADMIN_API_KEY wins; otherwise the file, made at first start. */
export function keySourceFor(configured: string | undefined, fileExists: boolean): KeySource {
  if (configured !== undefined && configured !== '') return 'configured';
  return fileExists ? 'file' : 'generated';
}

/** What is wrong with a key file's permissions (any access for group or others), or undefined. */
export function keyFileModeProblem(mode: number): string | undefined {
  const loose = mode & 0o077;
  return loose ? `is readable or writable by others than its owner (mode ${(mode & 0o777).toString(8).padStart(4, '0')})` : undefined;
}

/** What is wrong with a key read from the file, or undefined. */
export function storedKeyProblem(key: string): string | undefined {
  if (key.length < MIN_KEY_LENGTH) return `holds no usable key (at least ${MIN_KEY_LENGTH} characters expected)`;
  if (!/^[\x21-\x7e]+$/.test(key)) return 'holds characters a key cannot have (printable ASCII without spaces expected)';
  return undefined;
}

/**
 * The admin key for this DATA_DIR: ADMIN_API_KEY if set; else the key file's content; else a
 * new key, written to the file with mode 0600 (created exclusively, so two processes starting
 * at once agree on one key) and printed once. A key file with loose permissions is tightened;
 * an unusable one stops the server (deleting it makes a new key).
 */
export function provisionAdminKey(configured: string | undefined, dataDir: string, notices: KeyNotices): AdminKey {
  const file = join(dataDir, KEY_FILE_NAME);
  const source = keySourceFor(configured, exists(file));
  if (source === 'configured') return { key: configured!, source };
  if (source === 'generated') {
    const key = generateApiKey();
    if (writeExclusive(file, key)) {
      notices.log(`generated the admin API key (stored in ${file}, mode 0600; shown only this once): ${key}`);
      return { key, source, file };
    }
    // Another process created it first: use theirs.
  }
  return { key: readKeyFile(file, notices), source: 'file', file };
}

function readKeyFile(file: string, notices: KeyNotices): string {
  const problem = keyFileModeProblem(statSync(file).mode);
  if (problem) {
    chmodSync(file, KEY_FILE_MODE);
    notices.warn(`${file} ${problem}: changed to 0600`);
  }
  const key = readFileSync(file, 'utf8').trim();
  const keyProblem = storedKeyProblem(key);
  if (keyProblem) throw new Error(`${file} ${keyProblem}; delete it to generate a new key, or set ADMIN_API_KEY`);
  return key;
}

/** Creates the file with the key; false when it exists already. */
function writeExclusive(file: string, key: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', KEY_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${key}\n`);
    // The umask can only narrow the mode, but make sure of exactly 0600.
    if ((fstatSync(fd).mode & 0o777) !== KEY_FILE_MODE) chmodSync(file, KEY_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
