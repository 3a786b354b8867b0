import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { TESTDATA } from '../support/paths';
import { concretePath, Credential, CREDENTIALS, expected, mappedRoutes, needOf, Route, statusOf } from '../support/route-table';
import { RunningServer, startServer } from '../support/server-process';

jest.setTimeout(180_000);

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const ALLOWED_ORIGIN = 'https://console.example';
const FOREIGN_ORIGIN = 'https://evil.example';

describe('one access rule for every route and Socket.IO, secure by default', () => {
  let server: RunningServer;
  let adminKey: string;
  let viewerKey: string;
  const cookies: Record<'admin' | 'viewer', string> = { admin: '', viewer: '' };

  /** Signs in with a key (JSON): the Cookie header value of the new session. */
  async function login(key: string): Promise<string> {
    const response = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
    expect(response.status).toBe(200);
    return response.headers.get('set-cookie')!.split(';')[0];
  }

  function headersFor(credential: Credential): Record<string, string> {
    switch (credential) {
      case 'none':
        return {};
      case 'viewer key':
        return { 'x-api-key': viewerKey };
      case 'admin key':
        return { 'x-api-key': adminKey };
      case 'wrong key':
        return { 'x-api-key': `${adminKey.slice(0, -1)}#` };
      case 'viewer cookie':
        return { cookie: cookies.viewer };
      case 'admin cookie':
        return { cookie: cookies.admin };
      case 'admin cookie, foreign Origin':
        return { cookie: cookies.admin, origin: FOREIGN_ORIGIN };
    }
  }

  beforeAll(async () => {
    // Nothing configured: both keys are generated, reads need a key (the real defaults).
    server = await startServer({
      ADMIN_API_KEY: '',
      VIEWER_API_KEY: '',
      PUBLIC_READS: '',
      METRICS_TOKEN,
      CORS_ORIGINS: ALLOWED_ORIGIN,
      LOG_FORMAT: 'json',
      RATE_LIMIT_MAX: '100000',
      RATE_LIMIT_WRITE_MAX: '100000',
    });
    adminKey = readFileSync(join(server.dataDir, 'admin-api-key'), 'utf8').trim();
    viewerKey = readFileSync(join(server.dataDir, 'viewer-api-key'), 'utf8').trim();
    cookies.admin = await login(adminKey);
    cookies.viewer = await login(viewerKey);
  });
  afterAll(() => server?.dispose());

  it('generates both keys into DATA_DIR (0600) and says where they are, never what they are', () => {
    for (const file of ['admin-api-key', 'viewer-api-key', 'session-secret']) expect(statSync(join(server.dataDir, file)).mode & 0o777).toBe(0o600);
    expect(adminKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.output()).toContain(join(server.dataDir, 'admin-api-key'));
    expect(server.output()).toContain(join(server.dataDir, 'viewer-api-key'));
    for (const secret of [adminKey, viewerKey, readFileSync(join(server.dataDir, 'session-secret'), 'utf8').trim()]) expect(server.output()).not.toContain(secret);
    expect(server.output()).toMatch(/reads need the viewer or admin key/);
  });

  it('every route the server mapped × every kind of credential → the expected status (JSON errors)', async () => {
    const routes = mappedRoutes(server.output());
    // The list is the server's own: every documented operation is in it, and there are many.
    const documented = (await (await fetch(`${server.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const mapped = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const adminOnly = new Set<string>();
    for (const [path, item] of Object.entries(documented.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
        expect(mapped).toContain(key);
        if ((operation as Record<string, unknown>)['x-required-role'] === 'admin') adminOnly.add(key);
      }
    }
    expect(routes.length).toBeGreaterThanOrEqual(40);
    // Signing out last: it ends the session it is sent with.
    const ordered = [...routes.filter((r) => r.path !== '/auth/logout'), ...routes.filter((r) => r.path === '/auth/logout')];

    const rows: string[] = [];
    const wrong: string[] = [];
    for (const route of ordered) {
      const need = needOf(route, adminOnly);
      const cells: string[] = [];
      for (const credential of CREDENTIALS) {
        const write = route.method !== 'GET';
        const headers = { accept: 'application/json', ...headersFor(credential), ...(write ? { 'content-type': 'application/json' } : {}) };
        const reply = await statusOf(`${server.url}${concretePath(route)}`, { method: route.method, headers, body: write ? '{}' : undefined });
        const want = expected(need, credential);
        const ok = want === 'pass' ? reply.status !== 401 && reply.status !== 403 && (reply.status < 500 || reply.status === 503) : reply.status === want;
        const jsonError = want === 'pass' || (reply.type?.includes('application/json') && (reply.body as { statusCode?: number }).statusCode === want);
        if (!ok || !jsonError) wrong.push(`${route.method} ${route.path} with ${credential}: ${reply.status} (${reply.type}), expected ${want}`);
        cells.push(String(reply.status));
      }
      rows.push(`${`${route.method} ${route.path}`.padEnd(42)} ${need.padEnd(6)} ${cells.map((c) => c.padStart(4)).join(' ')}`);
    }
    console.log(`route × ${CREDENTIALS.join(' | ')}\n${rows.join('\n')}`);
    expect(wrong).toEqual([]);
  });

  it('sends a browser without a session to the login page and back; API clients and the <img> get 401 JSON', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    for (const [path, next] of [['/', ''], ['/stream', '?next=%2Fstream'], ['/cameras/main/stream?x=1', '?next=%2Fcameras%2Fmain%2Fstream%3Fx%3D1']]) {
      const reply = await fetch(`${server.url}${path}`, { headers: html, redirect: 'manual' });
      expect(reply.status).toBe(303);
      expect(reply.headers.get('location')).toBe(`/login${next}`);
    }
    const img = await statusOf(`${server.url}/cameras/main/stream`, { headers: { accept: 'image/avif,image/webp,*/*;q=0.8' } });
    expect(img).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });

    // The login form: a wrong key goes back to the form; the right one to `next`, only ever on this site.
    const form = (key: string, next: string) =>
      fetch(`${server.url}/auth/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key, next }) });
    const bad = await form('not-the-key', '/stream');
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toBe('/login?error=invalid&next=%2Fstream');
    expect(bad.headers.get('set-cookie')).toBeNull();
    const good = await form(viewerKey, '/cameras/main/stream');
    expect(good.headers.get('location')).toBe('/cameras/main/stream');
    expect(good.headers.get('set-cookie')).toMatch(/^fs_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) expect((await form(viewerKey, next)).headers.get('location')).toBe('/');
    const page = await (await fetch(`${server.url}/login?next=%22%3E%3Cscript%3E`)).text();
    expect(page).not.toContain('<script>');
  });

  it('ends a session at logout: the same cookie is refused afterwards (and the browser is told to drop it)', async () => {
    const cookie = await login(adminKey);
    expect((await fetch(`${server.url}/auth/session`, { headers: { cookie } }).then((r) => r.json())).role).toBe('admin');
    expect((await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);
    const after = await fetch(`${server.url}/people`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(after.headers.get('set-cookie')).toMatch(/^fs_session=; .*Max-Age=0/);
    expect(await after.json()).toMatchObject({ message: expect.stringMatching(/signed out/) });
  });

  it('answers malformed cookies, odd bytes in keys and forged links with 401 JSON, and keeps running', async () => {
    const odd: Array<Record<string, string>> = [
      { cookie: 'fs_session=%E0%A4%A' },
      { cookie: 'fs_session=v1.a.99999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { cookie: `fs_session=${'x'.repeat(4000)}` },
      { cookie: 'fs_session=a; fs_session=b' },
      { 'x-api-key': Buffer.from([0xff, 0xfe, 0x80, 0x41]).toString('latin1') },
      { 'x-api-key': 'x'.repeat(8000) },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from(`a:${adminKey}`).toString('base64')}` },
    ];
    for (const headers of odd) expect(await statusOf(`${server.url}/people`, { headers })).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });
    const forged = await statusOf(`${server.url}/cameras/main/snapshot.jpg?token=${'A'.repeat(43)}&expires=9999999999`, {});
    expect(forged).toMatchObject({ status: 401, body: { message: 'the stream link is not valid' } });
    expect((await fetch(`${server.url}/people`, { headers: { 'x-api-key': viewerKey } })).status).toBe(200);
  });

  it('takes as long to refuse a wrong key as a missing one', async () => {
    const time = async (headers: Record<string, string>) => {
      const started = performance.now();
      await (await fetch(`${server.url}/people`, { headers })).arrayBuffer();
      return performance.now() - started;
    };
    const missing: number[] = [];
    const wrongKey: number[] = [];
    for (let i = 0; i < 80; i++) {
      missing.push(await time({}));
      wrongKey.push(await time({ 'x-api-key': `${adminKey.slice(0, 20)}${'z'.repeat(23)}` }));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
    console.log(`median refusal: missing key ${median(missing).toFixed(2)} ms, wrong key ${median(wrongKey).toFixed(2)} ms`);
    // Both are a few milliseconds of HTTP; what must not be there is work done for a wrong key only (a slow hash, a lookup).
    expect(Math.abs(median(missing) - median(wrongKey))).toBeLessThan(Math.max(2, median(missing) / 2));
  });

  it('issues signed, expiring stream links to admins only; a link opens that camera\u2019s stream and nothing else', async () => {
    const ask = (key: string) => fetch(`${server.url}/cameras/main/stream-url`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ ttlHours: 1 }) });
    expect((await ask(viewerKey)).status).toBe(403);
    const link = await (await ask(adminKey)).json();
    expect(link.url).toMatch(/^\/cameras\/main\/stream\?token=[\w-]{43}&expires=\d+$/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const stream = await statusOf(`${server.url}${link.url}`, {});
    expect(stream.status).toBe(200);
    expect(stream.type).toMatch(/multipart\/x-mixed-replace/);
    expect([200, 503]).toContain((await statusOf(`${server.url}${link.snapshotUrl}`, {})).status);
    const query = link.url.split('?')[1];
    expect((await statusOf(`${server.url}/people?${query}`, {})).status).toBe(401);
    expect((await statusOf(`${server.url}/cameras/other/stream?${query}`, {})).status).toBe(401);
    expect((await statusOf(`${server.url}${link.url.replace(/expires=\d+/, (m: string) => `${m}0`)}`, {})).status).toBe(401);
  });

  it('opens /metrics with its own token (and the keys), which opens nothing else; no person name in any label; /health names no one', async () => {
    const form = new FormData();
    form.append('name', 'Grace Hopper');
    form.append('image', new Blob([readFileSync(join(TESTDATA, 'stills/grace_hopper_512x512.jpg'))]), 'g.jpg');
    const enrolled = await fetch(`${server.url}/people`, { method: 'POST', headers: { 'x-api-key': adminKey }, body: form });
    expect(enrolled.status).toBe(201);
    const { id } = await enrolled.json();
    expect((await fetch(`${server.url}/people/${id}`, { headers: { 'x-api-key': viewerKey } })).status).toBe(200);

    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/people`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(401);
    const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toContain('route="/people/:id"');
    expect(text).not.toMatch(/grace|hopper/i);
    const health = await fetch(`${server.url}/health`);
    expect([200, 503]).toContain(health.status);
    const anonymous = await health.text();
    expect(anonymous).not.toMatch(/grace|hopper/i);
    // Without credentials, not even the cameras' names; with a key, each camera's state.
    expect(JSON.parse(anonymous).details.camera).toEqual({ status: expect.any(String), state: expect.any(String) });
    const detailed = await (await fetch(`${server.url}/health`, { headers: { 'x-api-key': viewerKey } })).json();
    expect(detailed.details.camera.cameras.main).toMatchObject({ state: expect.any(String) });
  });

  describe('Socket.IO', () => {
    const sockets: Socket[] = [];
    afterAll(() => sockets.forEach((s) => s.close()));

    /** Connects (WebSocket only, as the polling handshake would be the same HTTP request): 'connected' and an event, or why not. */
    function handshake(options: { headers?: Record<string, string>; auth?: Record<string, string> }): Promise<string> {
      return new Promise((resolve) => {
        const socket = io(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: options.headers, auth: options.auth, timeout: 10_000 });
        sockets.push(socket);
        socket.on('connect_error', (error) => resolve(`refused: ${error.message}`));
        // A connected client gets the last minute of figures at once, then a sample a second.
        socket.on('stats', () => resolve('connected, receiving events'));
      });
    }

    it('refuses a handshake without credentials, with a wrong key or from a foreign origin; accepts a key, the auth payload or the cookie', async () => {
      // The table's last rows signed its sessions out.
      const cookie = await login(viewerKey);
      expect(await handshake({})).toBe('refused: unauthorized');
      expect(await handshake({ headers: { 'x-api-key': 'wrong-key-0123456789abcdef' } })).toBe('refused: unauthorized');
      expect(await handshake({ headers: { 'x-api-key': viewerKey, origin: FOREIGN_ORIGIN } })).toMatch(/^refused/);
      expect(await handshake({ headers: { cookie, origin: FOREIGN_ORIGIN } })).toMatch(/^refused/);
      expect(await handshake({ headers: { cookie: cookies.viewer } })).toBe('refused: unauthorized');
      expect(await handshake({ headers: { 'x-api-key': viewerKey } })).toBe('connected, receiving events');
      expect(await handshake({ auth: { key: adminKey } })).toBe('connected, receiving events');
      expect(await handshake({ headers: { cookie, origin: server.url } })).toBe('connected, receiving events');
      expect(await handshake({ headers: { 'x-api-key': viewerKey, origin: ALLOWED_ORIGIN } })).toBe('connected, receiving events');
    });
  });
});

describe('PUBLIC_READS=true (a kiosk on a trusted LAN)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ PUBLIC_READS: 'true', CORS_ORIGINS: '' });
  });
  afterAll(() => server?.dispose());

  it('says so at start, opens reads, /metrics and Socket.IO to anyone, and still guards changes and other sites', async () => {
    expect(server.output()).toMatch(/PUBLIC_READS=true: anyone who can reach this server sees/);
    for (const path of ['/people', '/live/faces', '/metrics', '/cameras/main/snapshot.jpg']) expect([200, 503]).toContain((await statusOf(`${server.url}${path}`, {})).status);
    expect((await statusOf(`${server.url}/people/1`, { method: 'DELETE' })).status).toBe(401);
    expect((await statusOf(`${server.url}/people/1`, { method: 'DELETE', headers: { 'x-api-key': server.viewerKey } })).status).toBe(403);
    const connect = (headers?: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = io(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
        socket.on('connect', () => (socket.close(), resolve('connected')));
        socket.on('connect_error', () => (socket.close(), resolve('refused')));
      });
    expect(await connect()).toBe('connected');
    expect(await connect({ origin: FOREIGN_ORIGIN })).toBe('refused');
  });
});
