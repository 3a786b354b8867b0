import { imageSize } from 'image-size';
import { io, Socket } from 'socket.io-client';
import { isCompleteJpeg, readMjpegParts } from '../support/mjpeg-reader';
import { RunningServer, startServer } from '../support/server-process';

jest.setTimeout(180_000);

describe('the running server: stream, snapshot, events, docs', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ FACES_DIR: require('node:path').resolve(__dirname, '../../faces') });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('serves /stream as MJPEG whose parts are complete 1280x720 JPEGs, at about the source rate', async () => {
    const { contentType, parts } = await readMjpegParts(`${server.url}/stream`, 30);
    expect(contentType).toMatch(/^multipart\/x-mixed-replace; boundary=/);
    expect(parts).toHaveLength(30);
    for (const part of parts) {
      expect(part.headers['content-type']).toBe('image/jpeg');
      expect(isCompleteJpeg(part.body)).toBe(true);
      expect(imageSize(part.body)).toMatchObject({ width: 1280, height: 720, type: 'jpg' });
    }
    // The demo video plays at 25 fps; 29 intervals should take about 1.2 s.
    const seconds = (parts[29].receivedAt - parts[0].receivedAt) / 1000;
    expect(seconds).toBeGreaterThan(0.6);
    expect(seconds).toBeLessThan(3);
    // Frames change over time.
    expect(new Set(parts.map((p) => p.body.length)).size).toBeGreaterThan(10);
  });

  it('serves the latest frame as a snapshot', async () => {
    const response = await fetch(`${server.url}/stream/snapshot.jpg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await response.arrayBuffer());
    expect(isCompleteJpeg(body)).toBe(true);
  });

  it('emits a recognition event per processed frame over Socket.IO, naming the demo people', async () => {
    const socket: Socket = io(server.url, { transports: ['websocket'] });
    const names = new Set<string>();
    const frames: number[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`saw only ${[...names].join(', ')} in ${frames.length} events`)), 20_000);
        socket.on('recognition', (event: { frameIndex: number; faces: Array<{ name: string; box: number[]; confidence: number }> }) => {
          frames.push(event.frameIndex);
          for (const face of event.faces) {
            expect(face.box).toHaveLength(4);
            expect(face.confidence).toBeGreaterThanOrEqual(0);
            expect(face.confidence).toBeLessThanOrEqual(100);
            names.add(face.name);
          }
          if (names.has('Serena_Williams') && names.has('Colin_Powell') && frames.length > 20) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      socket.close();
    }
    // Every other frame is recognised by default.
    expect(frames.every((f) => f % 2 === 0)).toBe(true);
    expect(names.has('Hugo_Chavez')).toBe(false);
  });

  it('documents the API at /docs', async () => {
    const doc = await (await fetch(`${server.url}/docs/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/stream', '/stream/snapshot.jpg', '/people', '/people/{id}']));
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });

  it('serves the console at / (its script picks the camera stream; chromium tests drive it)', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain('<img id="stream"');
    expect(page).toContain('src="/assets/js/main.js"');
    expect((await fetch(`${server.url}/assets/js/main.js`)).status).toBe(200);
  });
});
