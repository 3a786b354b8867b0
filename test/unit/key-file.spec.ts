import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILE_NAME, keyFileModeProblem, keySourceFor, provisionAdminKey, storedKeyProblem } from '../../src/auth/key-file';

describe('keySourceFor', () => {
  it('prefers ADMIN_API_KEY, then the file, else generates', () => {
    expect(keySourceFor('configured-key-123456', true)).toBe('configured');
    expect(keySourceFor('configured-key-123456', false)).toBe('configured');
    expect(keySourceFor(undefined, true)).toBe('file');
    expect(keySourceFor('', true)).toBe('file');
    expect(keySourceFor(undefined, false)).toBe('generated');
  });
});

describe('keyFileModeProblem and storedKeyProblem', () => {
  it('accepts owner-only modes only', () => {
    expect(keyFileModeProblem(0o100600)).toBeUndefined();
    expect(keyFileModeProblem(0o100400)).toBeUndefined();
    expect(keyFileModeProblem(0o100644)).toMatch(/0644/);
    expect(keyFileModeProblem(0o100660)).toMatch(/others than its owner/);
    expect(keyFileModeProblem(0o100601)).toMatch(/0601/);
  });
  it('accepts a plausible key only', () => {
    expect(storedKeyProblem('A'.repeat(43))).toBeUndefined();
    expect(storedKeyProblem('short')).toMatch(/at least 16/);
    expect(storedKeyProblem('has a space in it, long enough')).toMatch(/printable ASCII/);
  });
});

describe('provisionAdminKey (on a real folder)', () => {
  let dir: string;
  let logged: string[];
  let warned: string[];
  const notices = { log: (m: string) => logged.push(m), warn: (m: string) => warned.push(m) };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'key-file-'));
    logged = [];
    warned = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key at first start into a 0600 file, logs where it is (never the key), and reads it afterwards', () => {
    const first = provisionAdminKey(undefined, dir, notices);
    expect(first.source).toBe('generated');
    const file = join(dir, KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(file);
    expect(logged[0]).not.toContain(first.key);

    const second = provisionAdminKey(undefined, dir, notices);
    expect(second).toEqual({ key: first.key, source: 'file', file });
    expect(logged).toHaveLength(1);
    expect(warned).toEqual([]);
  });

  it('uses ADMIN_API_KEY when set, and writes nothing', () => {
    expect(provisionAdminKey('configured-key-0123456789', dir, notices)).toEqual({ key: 'configured-key-0123456789', source: 'configured' });
    expect(() => statSync(join(dir, KEY_FILE_NAME))).toThrow();
    expect(logged.join()).not.toContain('configured-key');
  });

  it('tightens a key file others can read, with a warning', () => {
    const file = join(dir, KEY_FILE_NAME);
    writeFileSync(file, 'an-existing-key-0123456789\n');
    chmodSync(file, 0o644);
    expect(provisionAdminKey(undefined, dir, notices).key).toBe('an-existing-key-0123456789');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warned.join()).toMatch(/0644.*changed to 0600/);
  });

  it('refuses to start on an unusable key file instead of replacing it silently', () => {
    writeFileSync(join(dir, KEY_FILE_NAME), '\n', { mode: 0o600 });
    expect(() => provisionAdminKey(undefined, dir, notices)).toThrow(/no usable key.*delete it/);
  });
});
