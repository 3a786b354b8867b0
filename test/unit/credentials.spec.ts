import { cameOverHttps, clearedSessionCookie, SESSION_COOKIE, sessionCookie, sessionCookieFrom } from '../../src/auth/cookies';
import { CredentialStore, identify, isForeignOrigin } from '../../src/auth/credentials';
import { loginPathFor, safeNextPath } from '../../src/auth/next-path';
import { keyFingerprint, signSession, signStreamLink, verifySession, verifyStreamLink } from '../../src/auth/signed-tokens';

const ADMIN = 'admin-key-0123456789abcdef';
const VIEWER = 'viewer-key-0123456789abcdef';
const SECRET = 'secret-0123456789abcdef-0123456789';
const NOW = 1_800_000_000;
const revoked = new Set<string>();
const fingerprints = { admin: keyFingerprint(ADMIN), viewer: keyFingerprint(VIEWER) };
const store: CredentialStore = {
  adminKey: ADMIN,
  viewerKey: VIEWER,
  metricsToken: 'metrics-token-0123456789',
  secret: SECRET,
  fingerprintOf: (role) => fingerprints[role],
  isRevoked: (id) => revoked.has(id),
};
const who = (headers: Record<string, string | string[] | undefined>, path = '/people', query?: Record<string, unknown>, auth?: Record<string, unknown>) =>
  identify({ path, headers, query, auth }, store, NOW);
const cookieFor = (token: string) => `${SESSION_COOKIE}=${token}`;

describe('identify', () => {
  it('knows both keys, in x-api-key, Authorization: Bearer or the Socket.IO auth payload', () => {
    expect(who({ 'x-api-key': ADMIN })).toEqual({ ok: true, caller: { role: 'admin', via: 'key' } });
    expect(who({ authorization: `Bearer ${VIEWER}` })).toEqual({ ok: true, caller: { role: 'viewer', via: 'key' } });
    expect(who({}, '/socket.io', undefined, { key: VIEWER })).toEqual({ ok: true, caller: { role: 'viewer', via: 'key' } });
    expect(who({})).toEqual({ ok: true, caller: { role: 'anonymous', via: 'none' } });
    expect(who({ 'x-api-key': '' })).toEqual({ ok: true, caller: { role: 'anonymous', via: 'none' } });
  });
  it('refuses wrong keys, keys with odd bytes, repeated headers and other schemes (not anonymous: 401)', () => {
    for (const headers of [{ 'x-api-key': `${ADMIN}x` }, { 'x-api-key': 'é\u0000\uffff' }, { 'x-api-key': [ADMIN, ADMIN] }, { authorization: `Basic ${ADMIN}` }, { 'x-api-key': 'x'.repeat(100_000) }]) {
      expect(who(headers)).toMatchObject({ ok: false, badCookie: false });
    }
    expect(who({}, '/x', undefined, { key: 42 })).toMatchObject({ ok: false });
  });
  it('accepts the metrics token on /metrics only', () => {
    expect(who({ authorization: 'Bearer metrics-token-0123456789' }, '/metrics')).toEqual({ ok: true, caller: { role: 'metrics', via: 'token' } });
    expect(who({ authorization: 'Bearer metrics-token-0123456789' }, '/people')).toMatchObject({ ok: false });
  });
  it('accepts a valid session cookie, and refuses malformed, forged, expired, revoked ones or ones of a changed key', () => {
    const token = signSession(SECRET, 'viewer', NOW + 60, store.fingerprintOf);
    expect(who({ cookie: `a=b; ${cookieFor(token)}` })).toMatchObject({ ok: true, caller: { role: 'viewer', via: 'session' } });
    const expired = signSession(SECRET, 'admin', NOW - 1, store.fingerprintOf);
    const forged = signSession('another-secret-0123456789', 'admin', NOW + 60, store.fingerprintOf);
    const otherKey = signSession(SECRET, 'admin', NOW + 60, () => keyFingerprint('old-admin-key-0123456789'));
    const tampered = token.replace('.v.', '.a.');
    for (const cookie of [cookieFor(expired), cookieFor(forged), cookieFor(otherKey), cookieFor(tampered), cookieFor('garbage'), `${SESSION_COOKIE}=%E0%A4%A`, `${cookieFor(token)}; ${cookieFor(token)}`, cookieFor('v1.a.9.x.y')]) {
      expect(who({ cookie })).toMatchObject({ ok: false, badCookie: true });
    }
    expect(who({ cookie: cookieFor(expired) })).toMatchObject({ message: expect.stringMatching(/expired/) });
    const ended = signSession(SECRET, 'admin', NOW + 60, store.fingerprintOf);
    const check = verifySession(SECRET, ended, NOW, store.fingerprintOf);
    revoked.add(check.ok ? check.value.id : '');
    expect(who({ cookie: cookieFor(ended) })).toMatchObject({ ok: false, message: expect.stringMatching(/signed out/) });
  });
  it('accepts a signed stream link for its camera\u2019s stream and snapshot only, until it expires', () => {
    const token = signStreamLink(SECRET, 'door', NOW + 60, fingerprints.admin);
    const query = { token, expires: String(NOW + 60) };
    for (const path of ['/cameras/door/stream', '/cameras/door/snapshot.jpg']) expect(who({}, path, query)).toEqual({ ok: true, caller: { role: 'link', via: 'link', camera: 'door' } });
    expect(who({}, '/cameras/yard/stream', query)).toMatchObject({ ok: false });
    expect(who({}, '/people', query)).toEqual({ ok: true, caller: { role: 'anonymous', via: 'none' } });
    expect(who({}, '/cameras/door/stream', { token, expires: String(NOW + 61) })).toMatchObject({ ok: false });
    expect(who({}, '/cameras/door/stream', { token: [token], expires: String(NOW + 60) })).toMatchObject({ ok: false });
    const old = signStreamLink(SECRET, 'door', NOW - 1, fingerprints.admin);
    expect(verifyStreamLink(SECRET, 'door', old, String(NOW - 1), NOW, fingerprints.admin)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyStreamLink(SECRET, 'door', token, String(NOW + 60), NOW, keyFingerprint('new-admin-key-0123456789'))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite and site-wide; Secure over HTTPS; cleared with Max-Age=0', () => {
    expect(sessionCookie('t', { maxAgeSeconds: 60, secure: false })).toBe(`${SESSION_COOKIE}=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60`);
    expect(sessionCookie('t', { maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toMatch(/=; .*Max-Age=0/);
  });
  it('is read from a Cookie header; malformed ones are null, absent ones undefined', () => {
    expect(sessionCookieFrom(undefined)).toBeUndefined();
    expect(sessionCookieFrom('other=1; x')).toBeUndefined();
    expect(sessionCookieFrom(`x=1;${SESSION_COOKIE}="abc"`)).toBe('abc');
    expect(sessionCookieFrom(`${SESSION_COOKIE}=%ZZ`)).toBeNull();
    expect(sessionCookieFrom(['a'])).toBeNull();
  });
});

describe('safeNextPath', () => {
  it('keeps paths on this site', () => {
    expect(safeNextPath('/cameras/door/stream')).toBe('/cameras/door/stream');
    expect(safeNextPath('/?x=1#live')).toBe('/?x=1#live');
    expect(safeNextPath('/a/../people')).toBe('/people');
  });
  it('turns everything else into /: no open redirect', () => {
    for (const next of ['https://evil.example', '//evil.example/x', '/\\evil.example', '\\\\evil', 'javascript:alert(1)', '/x\r\nLocation: y', '', undefined, 42, ['/'], '/login', '/auth/logout', 'people']) {
      expect(safeNextPath(next)).toBe('/');
    }
  });
  it('builds the login address', () => {
    expect(loginPathFor('/')).toBe('/login');
    expect(loginPathFor('/stream', 'expired')).toBe('/login?next=%2Fstream&reason=expired');
    expect(loginPathFor('//evil.example')).toBe('/login');
  });
});

describe('isForeignOrigin', () => {
  const host = ['h:3000', undefined];
  it('accepts no Origin, this host and CORS_ORIGINS; refuses others and "null"', () => {
    expect(isForeignOrigin(undefined, host, false)).toBe(false);
    expect(isForeignOrigin('http://h:3000', host, false)).toBe(false);
    expect(isForeignOrigin('http://H:3000', host, false)).toBe(false);
    expect(isForeignOrigin('http://h:3001', host, false)).toBe(true);
    expect(isForeignOrigin('https://evil.example', host, false)).toBe(true);
    expect(isForeignOrigin('null', host, false)).toBe(true);
    expect(isForeignOrigin('not a url', host, false)).toBe(true);
    expect(isForeignOrigin('https://console.example', host, ['https://console.example'])).toBe(false);
    expect(isForeignOrigin('https://evil.example', host, true)).toBe(false);
  });
  it('accepts the public host a reverse proxy forwarded (X-Forwarded-Host)', () => {
    expect(isForeignOrigin('https://cams.example', ['127.0.0.1:3000', 'cams.example'], false)).toBe(false);
    expect(isForeignOrigin('https://evil.example', ['127.0.0.1:3000', 'cams.example, other.example'], false)).toBe(true);
  });
  it('says whether the browser came over HTTPS (Secure cookies)', () => {
    expect(cameOverHttps(false, undefined)).toBe(false);
    expect(cameOverHttps(true, undefined)).toBe(true);
    expect(cameOverHttps(false, 'https, http')).toBe(true);
    expect(cameOverHttps(false, 'http')).toBe(false);
  });
});
