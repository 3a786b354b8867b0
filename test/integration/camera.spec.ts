import { copyFileSync, createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { CameraOptions, CameraCapture } from '../../src/camera/camera-capture';
import type { Frame } from '../../src/camera/frame';
import { CAPTURE_BACKENDS } from '../support/capture-backends';
import { DEMO_VIDEO } from '../support/paths';

jest.setTimeout(60_000);

let openSession = CAPTURE_BACKENDS[0][1];

function camera(overrides: Partial<CameraOptions>): CameraCapture {
  return new CameraCapture({
    source: { kind: 'file', path: DEMO_VIDEO },
    loop: false,
    paced: false,
    reconnectInitialMs: 100,
    reconnectMaxMs: 400,
    ...overrides,
  }, openSession);
}

describe.each(CAPTURE_BACKENDS)('CameraCapture on a real video file (%s backend)', (_name, open) => {
  beforeAll(() => (openSession = open));

  it('reads every frame of a file, in order, as packed BGR, when unpaced', async () => {
    const cam = camera({});
    const frames: Array<Pick<Frame, 'index' | 'position'> & { bytes: number; w: number; h: number }> = [];
    const done = new Promise<void>((resolve) =>
      cam.frames$.subscribe({
        next: (f) => {
          frames.push({ index: f.index, position: f.position, bytes: f.image.data.byteLength, w: f.image.width, h: f.image.height });
          f.release();
        },
        complete: resolve,
      }),
    );
    cam.start();
    await done;
    expect(frames).toHaveLength(250);
    expect(frames.map((f) => f.position)).toEqual([...Array(250).keys()]);
    expect(frames.every((f) => f.w === 1280 && f.h === 720 && f.bytes === 1280 * 720 * 3)).toBe(true);
    expect(cam.getStatus()).toMatchObject({ state: 'ended', framesCaptured: 250, width: 1280, height: 720, fps: 25 });
    await cam.stop();
  });

  it('paces a file at its own frame rate', async () => {
    const cam = camera({ paced: true });
    cam.start();
    const frames = await firstValueFrom(cam.frames$.pipe(take(26), toArray()));
    await cam.stop();
    const seconds = (frames[25].capturedAt - frames[0].capturedAt) / 1000;
    // 25 intervals of 40 ms: never faster than the file's rate (unpaced runs ~4x faster);
    // the upper bound only guards against a stall, and leaves room for a loaded machine.
    expect(seconds).toBeGreaterThan(0.9);
    expect(seconds).toBeLessThan(2.5);
  });

  it('loops a file like a camera that never stops', async () => {
    const cam = camera({ loop: true });
    cam.start();
    const wrapped = await firstValueFrom(
      cam.frames$.pipe(
        filter((f) => {
          f.release();
          return f.index >= 250;
        }),
        take(1),
      ),
    );
    await cam.stop();
    expect(wrapped.position).toBe(0);
    expect(wrapped.index).toBe(250);
  });

  it('keeps retrying a source that cannot be opened, and goes live when it appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camera-'));
    const path = join(dir, 'later.mp4');
    const cam = camera({ source: { kind: 'file', path }, loop: true, paced: true });
    try {
      cam.start();
      await firstValueFrom(cam.state$.pipe(filter((s) => s === 'reconnecting')));
      const deadline = Date.now() + 20_000;
      while (cam.getStatus().reconnects < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(cam.getStatus().reconnects).toBeGreaterThanOrEqual(2);
      expect(cam.state$.value).toBe('reconnecting');
      copyFileSync(DEMO_VIDEO, path);
      const frame = await firstValueFrom(cam.frames$);
      expect(frame.image.width).toBe(1280);
      expect(cam.state$.value).toBe('live');
      expect(cam.getStatus().lastError).toBeDefined();
    } finally {
      await cam.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a network source (HTTP) through FFmpeg', async () => {
    // A plain HTTP server on loopback, serving the demo recording as a stream would be served.
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': statSync(DEMO_VIDEO).size });
      createReadStream(DEMO_VIDEO).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/camera.mp4`;
    const cam = camera({ source: { kind: 'url', url }, paced: true });
    try {
      cam.start();
      const frames = await firstValueFrom(cam.frames$.pipe(take(10), toArray()));
      // A network source is live: read as it arrives, frames the server cannot take yet are
      // skipped (counted), so positions only have to increase.
      const positions = frames.map((f) => f.position);
      expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
      expect(frames[9].image).toMatchObject({ width: 1280, height: 720 });
      expect(frames[9].image.data.byteLength).toBe(1280 * 720 * 3);
      expect(cam.getStatus()).toMatchObject({ state: 'live', source: `url ${url}` });
    } finally {
      await cam.stop();
      server.close();
    }
  });
});
