import { chmodSync, closeSync, fstatSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiKey } from './api-key';

/** The file under DATA_DIR holding a generated admin key. */
export const KEY_FILE_NAME = 'admin-api-key';
/** The file under DATA_DIR holding a generated viewer key. */
export const VIEWER_KEY_FILE_NAME = 'viewer-api-key';
/** The file under DATA_DIR holding the secret that signs sessions and stream links (never printed). */
export const SESSION_SECRET_FILE_NAME = 'session-secret';
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

/** Which secret: its file under DATA_DIR, the setting that overrides it, and what it is called in the log. */
export interface SecretSpec {
  fileName: string;
  setting: string;
  label: string;
}

export const ADMIN_KEY_SPEC: SecretSpec = { fileName: KEY_FILE_NAME, setting: 'ADMIN_API_KEY', label: 'admin API key' };
export const VIEWER_KEY_SPEC: SecretSpec = { fileName: VIEWER_KEY_FILE_NAME, setting: 'VIEWER_API_KEY', label: 'viewer API key' };
export const SESSION_SECRET_SPEC: SecretSpec = { fileName: SESSION_SECRET_FILE_NAME, setting: '', label: 'session signing secret' };

/**
 * A secret for this DATA_DIR: the configured value if set; else the file's content; else a new
 * random one, written to the file with mode 0600 (created exclusively, so two processes starting
 * at once agree on one). The log says where a generated one is, never the secret itself. A file
 * with loose permissions is tightened; an unusable one stops the server (deleting it makes a new one).
 */
export function provisionSecret(spec: SecretSpec, configured: string | undefined, dataDir: string, notices: KeyNotices): AdminKey {
  const file = join(dataDir, spec.fileName);
  const source = keySourceFor(configured, exists(file));
  if (source === 'configured') return { key: configured!, source };
  if (source === 'generated') {
    const key = generateApiKey();
    if (writeExclusive(file, key)) {
      notices.log(`generated the ${spec.label} into ${file} (mode 0600): read it there${spec.setting ? ` or set ${spec.setting}` : ''}`);
      return { key, source, file };
    }
    // Another process created it first: use theirs.
  }
  return { key: readKeyFile(file, notices, spec), source: 'file', file };
}

/** The admin key for this DATA_DIR (ADMIN_API_KEY, else DATA_DIR/admin-api-key, made at first start). */
export function provisionAdminKey(configured: string | undefined, dataDir: string, notices: KeyNotices): AdminKey {
  return provisionSecret(ADMIN_KEY_SPEC, configured, dataDir, notices);
}

function readKeyFile(file: string, notices: KeyNotices, spec: SecretSpec): string {
  const problem = keyFileModeProblem(statSync(file).mode);
  if (problem) {
    chmodSync(file, KEY_FILE_MODE);
    notices.warn(`${file} ${problem}: changed to 0600`);
  }
  const key = readFileSync(file, 'utf8').trim();
  const keyProblem = storedKeyProblem(key);
  if (keyProblem) throw new Error(`${file} ${keyProblem}; delete it to generate a new one${spec.setting ? `, or set ${spec.setting}` : ''}`);
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
