import type { ConfigService } from '@nestjs/config';
import { AccessService } from '../../src/auth/access.service';
import { MemorySessionRevocations } from '../../src/auth/session-revocations';
import { SESSION_COOKIE } from '../../src/auth/cookies';
import type { AppConfig } from '../../src/config/app-config';

const ADMIN = 'admin-key-0123456789abcdef';
const VIEWER = 'viewer-key-0123456789abcdef';

function service(settings: Partial<AppConfig> = {}, revocations = new MemorySessionRevocations()): AccessService {
  const values: Partial<AppConfig> = { PUBLIC_READS: false, CORS_ORIGINS: 'https://console.example', SESSION_TTL_HOURS: 1, ...settings };
  const config = { get: (key: keyof AppConfig) => values[key] } as unknown as ConfigService<AppConfig, true>;
  return new AccessService({ adminKey: ADMIN, viewerKey: VIEWER, sessionSecret: 'secret-0123456789abcdef' }, config, revocations);
}

describe('AccessService.check', () => {
  const access = service();
  const cookie = `${SESSION_COOKIE}=${access.startSession('admin').token}`;
  const host = 'cams.local:3000';

  it('lets a session through from this site or a CORS origin, and refuses it from another site (403)', () => {
    const check = (origin?: string) => access.check({ requirement: 'write', path: '/people/1', headers: { cookie, host, ...(origin ? { origin } : {}) } });
    expect(check()).toMatchObject({ allow: true, caller: { role: 'admin', via: 'session' } });
    expect(check(`http://${host}`)).toMatchObject({ allow: true });
    expect(check('https://console.example')).toMatchObject({ allow: true });
    expect(check('https://evil.example')).toMatchObject({ allow: false, status: 403 });
    expect(check('null')).toMatchObject({ allow: false, status: 403 });
  });
  it('keeps public routes reachable with a bad cookie, and says to drop it', () => {
    const headers = { cookie: `${SESSION_COOKIE}=forged`, host };
    expect(access.check({ requirement: 'public', path: '/login', headers })).toEqual({ allow: true, caller: { role: 'anonymous', via: 'none' }, clearCookie: true });
    expect(access.check({ requirement: 'read', path: '/people', headers })).toMatchObject({ allow: false, status: 401, clearCookie: true });
  });
  it('ends a session on sign-out, and only that one', async () => {
    const other = `${SESSION_COOKIE}=${access.startSession('viewer').token}`;
    const ended = access.startSession('viewer').token;
    await access.endSession(ended);
    expect(access.check({ requirement: 'read', path: '/people', headers: { cookie: `${SESSION_COOKIE}=${ended}` } })).toMatchObject({ allow: false, status: 401 });
    expect(access.check({ requirement: 'read', path: '/people', headers: { cookie: other } })).toMatchObject({ allow: true });
    await access.endSession('garbage');
    await access.endSession(undefined);
  });
  it('keeps a sign-out across a restart: stored, and loaded again before the next server checks anything', async () => {
    const store = new MemorySessionRevocations();
    const before = service({}, store);
    await before.onModuleInit();
    const ended = before.startSession('admin');
    const kept = before.startSession('admin');
    await before.endSession(ended.token);
    expect([...store.rows]).toEqual([[ended.token.split('.')[3], ended.expires]]);
    // Expired meanwhile: dropped from the store when loaded.
    store.rows.set('x'.repeat(22), 1);
    const after = service({}, store);
    await after.onModuleInit();
    const check = (token: string) => after.check({ requirement: 'read', path: '/people', headers: { cookie: `${SESSION_COOKIE}=${token}` } });
    expect(check(ended.token)).toMatchObject({ allow: false, status: 401, message: expect.stringMatching(/signed out/) });
    expect(check(kept.token)).toMatchObject({ allow: true });
    expect(store.rows.has('x'.repeat(22))).toBe(false);
  });
  it('still signs out when the store fails (logged): refused until the server restarts', async () => {
    const store = new MemorySessionRevocations();
    store.add = () => Promise.reject(new Error('SQLITE_READONLY'));
    const access2 = service({}, store);
    const warn = jest.spyOn((access2 as unknown as { logger: { warn(m: string): void } }).logger, 'warn').mockImplementation(() => undefined);
    const ended = access2.startSession('viewer').token;
    await expect(access2.endSession(ended)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SQLITE_READONLY/));
    expect(access2.check({ requirement: 'read', path: '/people', headers: { cookie: `${SESSION_COOKIE}=${ended}` } })).toMatchObject({ allow: false, status: 401 });
  });
  it('knows the role of each key for signing in, and nothing else', () => {
    expect(access.roleForKey(ADMIN)).toBe('admin');
    expect(access.roleForKey(VIEWER)).toBe('viewer');
    for (const key of ['', `${ADMIN} `, undefined, 42, [ADMIN]]) expect(access.roleForKey(key)).toBeUndefined();
  });
  it('signs stream links for at least a minute and at most a year', () => {
    const now = Date.now() / 1000;
    expect(access.streamLink('door', 1).expires - now).toBeGreaterThanOrEqual(59);
    expect(access.streamLink('door', 1e12).expires - now).toBeLessThanOrEqual(365 * 24 * 3600 + 1);
    expect(access.streamLink('a door/1', 60).path).toMatch(/^\/cameras\/a%20door%2F1\/stream\?token=/);
  });
  it('opens reads to anyone with PUBLIC_READS, never changes', () => {
    const open = service({ PUBLIC_READS: true });
    expect(open.check({ requirement: 'read', path: '/people', headers: {} })).toMatchObject({ allow: true });
    expect(open.check({ requirement: 'write', path: '/people', headers: {} })).toMatchObject({ allow: false, status: 401 });
  });
});
