import { existsSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { readMjpegParts } from '../support/mjpeg-reader';
import { RunningServer, startServer } from '../support/server-process';

jest.setTimeout(180_000);

/** A request with the given headers; the body read as JSON when it is JSON. */
async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One sample's value from a Prometheus text exposition. */
function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const WRITE_LIMIT = 8;
const READ_LIMIT = 40;

describe('access control, headers, health and metrics on the running server', () => {
  let server: RunningServer;
  let restarted: RunningServer | undefined;
  let key: string;

  beforeAll(async () => {
    server = await startServer({
      ADMIN_API_KEY: '', // none configured: the server generates one
      RATE_LIMIT_WRITE_MAX: String(WRITE_LIMIT),
      RATE_LIMIT_MAX: String(READ_LIMIT),
      CORS_ORIGINS: 'https://console.example',
      LOG_FORMAT: 'json',
    });
    key = readFileSync(join(server.dataDir, 'admin-api-key'), 'utf8').trim();
  });
  afterAll(async () => {
    await restarted?.dispose();
    await server?.dispose();
  });

  it('generates an admin key at first start into DATA_DIR with mode 0600, and logs where it is, never the key', () => {
    const file = join(server.dataDir, 'admin-api-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.output()).not.toContain(key);
    expect(server.output()).toContain(file);
  });

  it('answers 401 with a JSON body to a change without the key or with a wrong one; the right key gets through', async () => {
    const url = `${server.url}/people/999999`;
    const missing = await call(url, { method: 'DELETE' });
    expect(missing).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/x-api-key.*required/) } });
    const wrongKey = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const wrong = await call(url, { method: 'DELETE', headers: { 'x-api-key': wrongKey } });
    expect(wrong).toMatchObject({ status: 401, body: { statusCode: 401, message: expect.stringMatching(/not valid/) } });
    // An upload without the key is refused before its body is parsed.
    const form = new FormData();
    form.append('name', 'Intruder');
    form.append('image', new Blob([new Uint8Array(200_000)]), 'x.jpg');
    expect((await call(`${server.url}/people`, { method: 'POST', body: form })).status).toBe(401);
    expect(await call(url, { method: 'DELETE', headers: { 'x-api-key': key } })).toMatchObject({ status: 404 });
    expect((await call(`${server.url}/people`)).status).toBe(200);
  });

  it(`answers 429 past ${WRITE_LIMIT} changes a minute from one client (JSON, Retry-After), and never limits the stream, /health or /metrics`, async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < WRITE_LIMIT + 2; i++) {
      const reply = await call(`${server.url}/people/999999`, { method: 'DELETE', headers: { 'x-api-key': key } });
      statuses.push(reply.status);
      if (reply.status === 429) limited ??= reply;
    }
    // The earlier test made 4 changes already (refused ones count: guessing keys is limited too).
    expect(statuses.filter((s) => s === 404)).toHaveLength(WRITE_LIMIT - 4);
    expect(statuses.slice(WRITE_LIMIT - 4).every((s) => s === 429)).toBe(true);
    expect(limited!.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/changes? data.*at most 8 per 60 s/) });
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);

    // Reads still pass, within the budget every request shares (RATE_LIMIT_MAX, which the 15 requests so far used part of).
    const reads: number[] = [];
    for (let i = 0; i < READ_LIMIT; i++) reads.push((await call(`${server.url}/people`)).status);
    const passed = reads.indexOf(429);
    expect(passed).toBe(READ_LIMIT - 15);
    expect(reads.slice(0, passed).every((s) => s === 200)).toBe(true);
    expect(reads.slice(passed).every((s) => s === 429)).toBe(true);

    // Viewers, probes and scrapers are not limited.
    for (let i = 0; i < READ_LIMIT + 5; i++) {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
      expect([200, 503]).toContain((await fetch(`${server.url}/health`)).status);
      const snapshot = await fetch(`${server.url}/stream/snapshot.jpg`);
      expect([200, 503]).toContain(snapshot.status);
      await snapshot.arrayBuffer();
    }
    const { parts } = await readMjpegParts(`${server.url}/stream`, 5);
    expect(parts).toHaveLength(5);
  });

  it('sends secure headers with a CSP that fits the page, Swagger UI and Socket.IO', async () => {
    for (const path of ['/', '/docs', '/health']) {
      const response = await fetch(`${server.url}${path}`);
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).toMatch(/connect-src 'self'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    // Swagger UI's scripts are files from this origin, so script-src 'self' covers them.
    const docs = await (await fetch(`${server.url}/docs`)).text();
    expect(docs).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect((await fetch(`${server.url}/socket.io/socket.io.js`)).status).toBe(200);
  });

  it('allows the configured CORS origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/people/1`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'x-api-key' },
      });
    const allowed = await preflight('https://console.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-api-key/);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reports health: database, camera live, worker alive (200)', async () => {
    const health = await waitFor('camera live', async () => {
      const reply = await call(`${server.url}/health`);
      return reply.status === 200 ? reply : undefined;
    });
    expect(health.body).toMatchObject({
      status: 'ok',
      details: {
        database: { status: 'up' },
        camera: { status: 'up', state: 'live' },
        worker: { status: 'up', alive: true },
        server: { status: 'up', shuttingDown: false },
      },
    });
  });

  it('exposes Prometheus metrics that move with the stream', async () => {
    // Frames are drawn (and tracked faces checked between recognitions) only while someone watches.
    const watching = new AbortController();
    const viewer = await fetch(`${server.url}/stream`, { signal: watching.signal });
    const reading = viewer.body!.pipeTo(new WritableStream()).catch(() => undefined);
    const first = await (await fetch(`${server.url}/metrics`)).text();
    await new Promise((r) => setTimeout(r, 2500));
    watching.abort();
    await reading;
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      'facestream_camera_frames_captured_total',
      'facestream_frames_streamed_total',
      'facestream_frames_recognized_total',
      'facestream_frames_dropped_total',
      'facestream_stream_fps',
      'facestream_recognition_latency_seconds_bucket',
      'facestream_faces_detected_total',
      'facestream_faces_recognized_total',
      'facestream_tracked_faces_checked_total',
      'facestream_viewers',
      'facestream_enrollments_total',
      'facestream_camera_reconnects_total',
      'facestream_camera_state',
      'facestream_vision_worker_up',
      'facestream_http_requests_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`\n${name}`);
    }
    // Every camera's figures carry its name (the one camera of this server is "main").
    const captured = 'facestream_camera_frames_captured_total{camera="main"}';
    expect(metric(text, captured)!).toBeGreaterThan(metric(first, captured)!);
    expect(metric(text, 'facestream_stream_fps{camera="main"}')!).toBeGreaterThan(5);
    expect(metric(text, 'facestream_recognition_latency_seconds_count{camera="main"}')!).toBeGreaterThan(0);
    expect(text).toContain('facestream_camera_state{camera="main",state="live"} 1');
    expect(metric(text, 'facestream_cameras')).toBe(1);
    expect(metric(text, 'facestream_frames_encoded_total{camera="main"}')!).toBeGreaterThan(0);
    // The demo recording has people on screen most of the time: frames between recognitions check them.
    expect(metric(text, 'facestream_tracked_faces_checked_total{camera="main",result="found"}')!).toBeGreaterThan(0);
    expect(text).toMatch(/facestream_http_requests_total\{method="DELETE",route="\/people\/:id",status="429"\} [1-9]/);
  });

  it('logs one JSON object per line, with the camera state changes', () => {
    const lines = server.output().split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.length).toBeGreaterThan(10);
    expect(server.output()).not.toContain('[Nest]');
    expect(entries).toContainEqual(expect.objectContaining({ level: 'log', context: 'CameraState', message: expect.stringMatching(/connecting -> live/) }));
  });

  it('reads the key file at the next start without printing the key; the old key still works', async () => {
    expect(await server.stop()).toBe(0);
    restarted = await startServer({ DATA_DIR: server.dataDir, ADMIN_API_KEY: '', LOG_FORMAT: 'json' });
    expect(restarted.output()).not.toContain(key);
    expect(restarted.output()).toMatch(/admin API key read from/);
    expect((await call(`${restarted.url}/people/999999`, { method: 'DELETE', headers: { 'x-api-key': key } })).status).toBe(404);
  });

  it('on SIGTERM with a viewer and a Socket.IO client connected: refuses new requests, ends the stream, closes the database, exits 0 within seconds', async () => {
    const s = restarted!;
    const socket = io(s.url, { transports: ['websocket'] });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    // A viewer that reads the stream until the server ends it.
    let viewerBytes = 0;
    let streamEnded: (how: string) => void;
    const viewerDone = new Promise<string>((resolve) => (streamEnded = resolve));
    const viewer = request(`${s.url}/stream`, (res) => {
      res.on('data', (chunk: Buffer) => (viewerBytes += chunk.length));
      res.on('end', () => streamEnded('ended'));
      res.on('error', () => streamEnded('error'));
      res.on('close', () => streamEnded('closed'));
    });
    viewer.on('error', () => streamEnded('error'));
    viewer.end();
    await waitFor('the viewer to get frames', async () => (viewerBytes > 100_000 ? true : undefined));

    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const started = performance.now();
      s.process.once('exit', (code) => resolve({ code, ms: performance.now() - started }));
    });
    s.process.kill('SIGTERM');
    await waitFor('the shutdown to begin', async () => (/shutting down \(SIGTERM\)/.test(s.output()) ? true : undefined), 5_000);
    const during = await fetch(`${s.url}/people`).then(
      (r) => r.status,
      () => 'refused',
    );
    const { code, ms } = await exited;
    socket.close();
    console.log(`SIGTERM with a viewer and a Socket.IO client: exit ${code} after ${Math.round(ms)} ms`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(['refused', 503]).toContain(during);
    expect(['ended', 'closed']).toContain(await viewerDone);
    expect(s.output()).toMatch(/shutting down \(SIGTERM\)/);
    // The database was closed properly: SQLite folds the write-ahead log back and removes it.
    expect(existsSync(join(s.dataDir, 'face-stream.sqlite-wal'))).toBe(false);
  });
});

describe('a server whose camera is down, with reads protected (the default; the retired PROTECT_READS=false does not open them)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    // Nothing listens on port 9: the camera fails and keeps reconnecting.
    server = await startServer({ CAMERA_SOURCE: 'http://127.0.0.1:9/camera.mjpg', LOG_FORMAT: 'json', PUBLIC_READS: '', PROTECT_READS: 'false' });
  });
  afterAll(() => server?.dispose());

  it('requires a key to read people, the stream, the page and metrics, but not for health or the docs', async () => {
    for (const path of ['/people', '/people/1', '/stream', '/stream/snapshot.jpg', '/', '/metrics', '/live/faces']) {
      expect(await call(`${server.url}${path}`)).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });
    }
    expect((await call(`${server.url}/people`, { headers: { 'x-api-key': server.adminKey } })).status).toBe(200);
    expect((await call(`${server.url}/people`, { headers: { 'x-api-key': server.viewerKey } })).status).toBe(200);
    for (const path of ['/docs', '/docs/openapi.json']) expect((await call(`${server.url}${path}`)).status).toBe(200);
    expect([200, 503]).toContain((await call(`${server.url}/health`)).status);
    const doc = (await call(`${server.url}/docs/openapi.json`)).body;
    expect(doc.paths['/people'].get.security).toEqual([{ 'api-key': [] }, { session: [] }]);
    expect(server.output()).toMatch(/PROTECT_READS=false is retired and ignored/);
  });

  it('answers 503 naming the camera while it reconnects, and counts the reconnects', async () => {
    const metrics = await waitFor('a reconnect', async () => {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { 'x-api-key': server.viewerKey } })).text();
      return (metric(text, 'facestream_camera_reconnects_total{camera="main"}') ?? 0) > 0 ? text : undefined;
    });
    expect(metrics).toContain('facestream_camera_state{camera="main",state="live"} 0');
    const health = await call(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'error',
      error: { camera: { status: 'down', state: expect.stringMatching(/reconnecting|connecting|offline/) } },
      details: { database: { status: 'up' }, worker: { status: 'up' } },
    });
    const warnings = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.context === 'CameraState' && entry.level === 'warn');
    expect(warnings.length).toBeGreaterThan(0);
  });
});
