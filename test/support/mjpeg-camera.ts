import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_VIDEO } from './paths';

/** JPEG frames of the demo recording, made by ffmpeg (nothing derived is kept in the repo). */
export function demoJpegFrames(count: number, width = 640, height = 360): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), 'mjpeg-frames-'));
  try {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', DEMO_VIDEO, '-frames:v', String(count), '-vf', `scale=${width}:${height}`, '-q:v', '5', join(dir, 'f%04d.jpg')]);
    return readdirSync(dir)
      .sort()
      .map((name) => readFileSync(join(dir, name)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A network camera for tests: an HTTP MJPEG server on 127.0.0.1 (what IP cameras serve),
 * playing the given JPEGs in a loop at `fps`. Faults on demand: `stop()` (the camera goes away:
 * port closed, connections cut), `hang()` (connections stay open but nothing more is sent; new
 * connections are accepted and never answered), `corrupt(n)` (the next n parts are garbage).
 */
export class MjpegCamera {
  partsSent = 0;
  corruptSent = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private hung = false;
  private corruptLeft = 0;
  private corruptEvery = 1;
  port = 0;

  constructor(
    private readonly frames: Buffer[],
    private readonly fps = 25,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/video.mjpg`;
  }

  /** Starts listening (again, on the same port after a stop). */
  async start(): Promise<void> {
    this.hung = false;
    const server = createServer((req, res) => this.serve(res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** The camera disappears: the port closes and open connections are cut. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Keeps every connection open but sends nothing more, and answers no new request. */
  hang(): void {
    this.hung = true;
  }

  resume(): void {
    this.hung = false;
  }

  /** The next `count` parts sent, one in every `every`, are random bytes behind a JPEG start marker. */
  corrupt(count: number, every = 1): void {
    this.corruptLeft = count;
    this.corruptEvery = every;
  }

  private serve(res: ServerResponse): void {
    if (this.hung) return; // accepted, never answered
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=camera', 'Cache-Control': 'no-cache' });
    let i = 0;
    const timer = setInterval(() => {
      if (this.hung || res.destroyed) return;
      let body = this.frames[i % this.frames.length];
      if (this.corruptLeft > 0 && i % this.corruptEvery === 0) {
        this.corruptLeft--;
        this.corruptSent++;
        body = Buffer.concat([Buffer.from([0xff, 0xd8]), randomBytes(body.length - 2)]);
      }
      i++;
      this.partsSent++;
      res.write(`--camera\r\nContent-Type: image/jpeg\r\nContent-Length: ${body.length}\r\n\r\n`);
      res.write(body);
      res.write('\r\n');
    }, 1000 / this.fps);
    this.timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
  }
}
