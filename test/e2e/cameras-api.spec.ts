
import { request } from 'node:http';
import { resolve } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { childPids } from '../../src/bench/proc-stats';
import { isCompleteJpeg, readMjpegParts } from '../support/mjpeg-reader';
import { DEMO_VIDEO, PROJECT_ROOT, TESTDATA } from '../support/paths';
import { RunningServer, startServer } from '../support/server-process';

jest.setTimeout(180_000);

const SYNTH = resolve(TESTDATA, 'video', 'synth_720p.mp4');

/** Reads a stream until the server ends it: how it ended ('ended' = a clean end of the response). */
function watchUntilEnd(url: string): { ended: Promise<string>; bytes: () => number } {
  let bytes = 0;
  const ended = new Promise<string>((resolve) => {
    const req = request(url, (res) => {
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve('ended'));
      res.on('error', () => resolve('error'));
    });
    req.on('error', () => resolve('error'));
    req.end();
  });
  return { ended, bytes: () => bytes };
}

/**
 * Cameras as a resource on the real server: two cameras from the start (CAMERAS), a third added,
 * changed and removed through the API while the others stream, bad input refused with nothing
 * changed, and everything that happens saying which camera it happened on.
 */
describe('cameras: several per server, added, changed and removed live', () => {
  let server: RunningServer;
  let socket: Socket;
  const recognitions: Array<{ camera: string; faces: Array<{ name: string }> }> = [];

  const call = async (path: string, init: RequestInit & { admin?: boolean } = {}) => {
    const headers: Record<string, string> = { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.admin === false ? {} : { 'x-api-key': server.adminKey }) };
    const response = await fetch(`${server.url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const stats = async (camera: string) => (await call(`/cameras/${camera}/stats`)).body;
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** Capture processes are the server's child processes. */
  const captureProcesses = () => childPids(server.process.pid!).length;

  beforeAll(async () => {
    server = await startServer({
      CAMERAS: JSON.stringify([
        { name: 'front', source: DEMO_VIDEO },
        { name: 'back', source: SYNTH },
      ]),
      FACES_DIR: resolve(PROJECT_ROOT, 'faces'),
      CAMERA_OPEN_TIMEOUT_MS: '8000',
    });
    socket = io(server.url, { transports: ['websocket'] });
    socket.on('recognition', (event) => recognitions.push(event));
    await new Promise<void>((done) => socket.on('connect', () => done()));
  });

  afterAll(async () => {
    socket?.close();
    await server?.dispose();
  });

  it('lists the configured cameras, live, in order, with their stream URLs', async () => {
    const cameras = await waitFor('both cameras live', async () => {
      const list = (await call('/cameras')).body as Array<{ name: string; state: string }>;
      return list.every((c) => c.state === 'live') ? list : undefined;
    });
    expect(cameras.map((c) => c.name)).toEqual(['front', 'back']);
    expect(cameras[0]).toMatchObject({ enabled: true, width: 1280, height: 720, streamUrl: '/cameras/front/stream', snapshotUrl: '/cameras/front/snapshot.jpg' });
    expect((await call('/cameras/back')).body).toMatchObject({ name: 'back', state: 'live' });
    expect((await call('/cameras/nope')).status).toBe(404);
    expect(captureProcesses()).toBe(2);
  });

  it('serves each camera’s own stream and snapshot; /stream is the first camera', async () => {
    for (const camera of ['front', 'back']) {
      const { contentType, parts } = await readMjpegParts(`${server.url}/cameras/${camera}/stream`, 10);
      expect(contentType).toMatch(/^multipart\/x-mixed-replace/);
      expect(parts.every((p) => isCompleteJpeg(p.body))).toBe(true);
      const snapshot = await fetch(`${server.url}/cameras/${camera}/snapshot.jpg`);
      expect(snapshot.headers.get('content-type')).toBe('image/jpeg');
      expect(isCompleteJpeg(Buffer.from(await snapshot.arrayBuffer()))).toBe(true);
    }
    expect((await call('/stream/stats')).body.name).toBe('front');
  });

  it('says which camera every recognition came from, and names people on both', async () => {
    await waitFor('named faces on both cameras', async () => {
      const named = (camera: string) => recognitions.some((r) => r.camera === camera && r.faces.some((f) => f.name !== 'Unknown'));
      return named('front') && named('back') ? true : undefined;
    });
    expect(new Set(recognitions.map((r) => r.camera))).toEqual(new Set(['front', 'back']));
  });

  it('refuses bad cameras with a clear 4xx JSON error and changes nothing', async () => {
    const before = await stats('front');
    const cases: Array<[unknown, number, RegExp, boolean?]> = [
      [{ name: 'gate', source: DEMO_VIDEO }, 401, /API key/, false],
      [{ name: 'Bad Name', source: DEMO_VIDEO }, 400, /name/],
      [{ name: 'gate', source: DEMO_VIDEO, everyOther: true }, 400, /everyOther/],
      [{ name: 'gate', source: DEMO_VIDEO, recognizeEveryN: 0 }, 400, /recognizeEveryN/],
      [{ name: 'gate' }, 400, /source/],
      [{ name: 'front', source: DEMO_VIDEO }, 409, /already exists/],
      [{ name: 'gate', source: '/nonexistent/video.mp4' }, 422, /cannot be opened/],
    ];
    for (const [body, status, message, admin] of cases) {
      const reply = await call('/cameras', { method: 'POST', body: JSON.stringify(body), admin });
      expect({ body, status: reply.status }).toEqual({ body, status });
      expect(reply.body).toMatchObject({ statusCode: status });
      expect(String(reply.body.message)).toMatch(message);
    }
    expect(((await call('/cameras')).body as unknown[]).length).toBe(2);
    expect(captureProcesses()).toBe(2);
    const after = await stats('front');
    expect(after.camera.reconnects).toBe(before.camera.reconnects);
    expect(after.stream.framesIn).toBeGreaterThan(before.stream.framesIn);
  });

  it('adds, changes and removes a camera while the others stream undisturbed; a removed camera’s viewer stream ends', async () => {
    const front = await stats('front');
    const added = await call('/cameras', { method: 'POST', body: JSON.stringify({ name: 'porch', source: DEMO_VIDEO, jpegQuality: 30 }) });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'porch', state: 'live', overrides: { jpegQuality: 30 } });
    expect(captureProcesses()).toBe(3);
    const low = (await readMjpegParts(`${server.url}/cameras/porch/stream`, 5)).parts.at(-1)!.body.length;

    const bad = await call('/cameras/porch', { method: 'PATCH', body: JSON.stringify({ jpegQuality: 5 }) });
    expect(bad.status).toBe(400);
    expect((await call('/cameras/porch')).body.overrides).toEqual({ jpegQuality: 30 });
    const changed = await call('/cameras/porch', { method: 'PATCH', body: JSON.stringify({ jpegQuality: 95 }) });
    expect(changed.status).toBe(200);
    const high = (await readMjpegParts(`${server.url}/cameras/porch/stream`, 5)).parts.at(-1)!.body.length;
    expect(high).toBeGreaterThan(low * 1.5);

    // A viewer watches the camera while it is removed: its stream ends, nothing is left behind.
    const watching = watchUntilEnd(`${server.url}/cameras/porch/stream`);
    await waitFor('the viewer to get frames', async () => (watching.bytes() > 50_000 ? true : undefined));
    const removedAt = Date.now();
    expect((await call('/cameras/porch', { method: 'DELETE' })).status).toBe(204);
    expect(await watching.ended).toBe('ended');
    expect(Date.now() - removedAt).toBeLessThan(5_000);
    expect((await call('/cameras/porch')).status).toBe(404);
    await waitFor('its capture process gone', async () => (captureProcesses() === 2 ? true : undefined), 5_000);

    const after = await stats('front');
    expect(after.camera.reconnects).toBe(front.camera.reconnects);
    expect(after.stream.frameSubscriptions).toBe(front.stream.frameSubscriptions);
    expect(after.stream.framesIn).toBeGreaterThan(front.stream.framesIn);
  });

  it('records sightings per camera and filters them by camera', async () => {
    const rows = await waitFor('sightings on both cameras', async () => {
      const all = (await call('/sightings?pageSize=100')).body.items as Array<{ camera: string }>;
      return all.some((s) => s.camera === 'front') && all.some((s) => s.camera === 'back') ? all : undefined;
    }, 60_000);
    expect([...new Set(rows.map((r) => r.camera))]).toEqual(expect.arrayContaining(['front', 'back']));
    const back = (await call('/sightings?camera=back&pageSize=100')).body.items as Array<{ camera: string }>;
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((s) => s.camera === 'back')).toBe(true);
    expect((await call('/sightings?camera=Not%20A%20Name')).status).toBe(400);
  });

  it('keeps cameras added at run time across a restart', async () => {
    expect((await call('/cameras', { method: 'POST', body: JSON.stringify({ name: 'kept', source: DEMO_VIDEO, enabled: false }) })).status).toBe(201);
    await server.stop();
    const restarted = await startServer({ DATA_DIR: server.dataDir, CAMERAS: JSON.stringify([{ name: 'front', source: DEMO_VIDEO }]) });
    try {
      const list = (await (await fetch(`${restarted.url}/cameras`)).json()) as Array<{ name: string; state: string }>;
      expect(list.map((c) => [c.name, c.state === 'disabled'])).toEqual([
        ['front', false],
        ['back', false],
        ['kept', true],
      ]);
    } finally {
      await restarted.dispose();
    }
  });
});

