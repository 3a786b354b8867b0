import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { MjpegClient } from '../../src/bench/mjpeg-client';
import { demoJpegFrames, MjpegCamera } from '../support/mjpeg-camera';
import { DEMO_VIDEO, PROJECT_ROOT } from '../support/paths';
import { RunningServer, startServer } from '../support/server-process';

jest.setTimeout(180_000);

/**
 * One camera's trouble never touches another: a healthy camera (the demo recording) streams to a
 * viewer while three network cameras on the same server fail at once — one goes away, one hangs
 * (connection open, no frames), one sends garbage. The sick ones recover when their source does.
 * The healthy camera's frame rate during the faults is compared with its own rate just before
 * (what four cameras leave it on this machine), since the faults must not take anything from it.
 * That comparison needs the machine to itself: on a machine already saturated by other work at
 * the start it is a real skip (reported as skipped by the runner), never a pass.
 */
const saturated = loadavg()[0] > cpus().length;
const itWhenQuiet = saturated ? it.skip : it;

describe('faults on three cameras leave the healthy one alone', () => {
  let server: RunningServer;
  let gone: MjpegCamera;
  let hung: MjpegCamera;
  let garbage: MjpegCamera;
  let viewer: MjpegClient;
  let socket: Socket;
  const healthyParts: number[] = [];
  const healthyNames: Array<{ at: number; names: string[] }> = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const cameraState = async (name: string) => ((await (await fetch(`${server.url}/cameras/${name}`)).json()) as { state: string }).state;
  const stats = async (name: string) => (await fetch(`${server.url}/cameras/${name}/stats`)).json();
  const waitFor = async (what: string, ok: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server log:\n${server.output().slice(-3000)}`);
      await sleep(100);
    }
  };
  const fpsBetween = (from: number, to: number) => healthyParts.filter((t) => t >= from && t < to).length / ((to - from) / 1000);

  beforeAll(async () => {
    const frames = demoJpegFrames(50);
    [gone, hung, garbage] = [new MjpegCamera(frames), new MjpegCamera(frames), new MjpegCamera(frames)];
    await Promise.all([gone.start(), hung.start(), garbage.start()]);
    server = await startServer({
      CAMERAS: JSON.stringify([
        { name: 'healthy', source: DEMO_VIDEO },
        { name: 'gone', source: gone.url },
        { name: 'hung', source: hung.url },
        { name: 'garbage', source: garbage.url },
      ]),
      FACES_DIR: resolve(PROJECT_ROOT, 'faces'),
      CAMERA_READ_TIMEOUT_MS: '2000',
      CAMERA_OPEN_TIMEOUT_MS: '5000',
      CAMERA_RECONNECT_MAX_MS: '2000',
    });
    socket = io(server.url, { transports: ['websocket'] });
    socket.on('faces', (payload: { camera: string; faces: Array<{ name: string }> }) => {
      if (payload.camera === 'healthy') healthyNames.push({ at: Date.now(), names: payload.faces.map((f) => f.name) });
    });
    viewer = new MjpegClient(`${server.url}/cameras/healthy/stream`, { onPart: (part) => !part.offline && healthyParts.push(part.receivedAt) });
    await viewer.connected;
    await waitFor('every camera live', async () => (await Promise.all(['healthy', 'gone', 'hung', 'garbage'].map(cameraState))).every((s) => s === 'live'), 60_000);
  });

  afterAll(async () => {
    viewer?.close();
    socket?.close();
    await server?.dispose();
    await Promise.all([gone, hung, garbage].map((c) => c?.stop()));
  });

  let faultFrom = 0;
  let faultTo = 0;
  let baselineFps = 0;

  it('takes the three faults at once; the sick cameras are reported as such', async () => {
    await sleep(3000);
    baselineFps = fpsBetween(Date.now() - 3000, Date.now());
    const garbageBefore = await stats('garbage');
    faultFrom = Date.now();
    await gone.stop();
    hung.hang();
    garbage.corrupt(40, 2);
    await waitFor('the gone and hung cameras to reconnect', async () => (await cameraState('gone')) === 'reconnecting' && (await cameraState('hung')) === 'reconnecting', 15_000);
    await sleep(4000);
    faultTo = Date.now();
    const garbageAfter = await stats('garbage');
    expect(garbageAfter.camera.corruptFramesSkipped).toBeGreaterThan(garbageBefore.camera.corruptFramesSkipped);
    expect(await cameraState('healthy')).toBe('live');
    const healthy = await stats('healthy');
    expect({ reconnects: healthy.camera.reconnects, lastError: healthy.camera.lastError }).toEqual({ reconnects: 0, lastError: undefined });
    console.log(`healthy camera: ${baselineFps.toFixed(1)} fps before the faults, ${fpsBetween(faultFrom + 500, faultTo).toFixed(1)} fps during them (load ${loadavg()[0].toFixed(1)})`);
  });

  it('keeps naming the people on the healthy camera during the faults', () => {
    const during = healthyNames.filter((e) => e.at >= faultFrom && e.at < faultTo);
    expect(during.length).toBeGreaterThan(10);
    expect(during.some((e) => e.names.some((n) => n !== 'Unknown'))).toBe(true);
  });

  itWhenQuiet('keeps the healthy camera’s viewer at its frame rate during the faults', () => {
    expect(baselineFps).toBeGreaterThan(5);
    expect(fpsBetween(faultFrom + 500, faultTo)).toBeGreaterThanOrEqual(0.9 * baselineFps);
  });

  it('lets each sick camera recover when its source does, without touching the healthy one', async () => {
    await gone.start();
    hung.resume();
    await waitFor('every camera live again', async () => (await Promise.all(['gone', 'hung', 'garbage'].map(cameraState))).every((s) => s === 'live'), 30_000);
    expect((await stats('healthy')).camera.reconnects).toBe(0);
    expect((await stats('garbage')).camera.reconnects).toBe(0);
  });
});
