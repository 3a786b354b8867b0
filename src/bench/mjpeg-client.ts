import { ClientRequest, IncomingMessage, request } from 'node:http';

export interface MjpegPartInfo {
  receivedAt: number;
  length: number;
  /** The part's X-Camera-State header said `offline` (the server's offline image). */
  offline: boolean;
  /** The JPEG itself, only when the client keeps bodies. */
  body?: Buffer;
}

/**
 * A lean MJPEG (multipart/x-mixed-replace) client for load tests: parses part headers and
 * Content-Length and skips the bodies without copying them (unless asked to keep them), so
 * one process can play dozens of viewers. It can stop reading (`pause`) like a stalled viewer.
 */
export class MjpegClient {
  parts = 0;
  offlineParts = 0;
  bytes = 0;
  firstPartAt = 0;
  lastPartAt = 0;
  /** Parts received since the last `mark()`. */
  partsSinceMark = 0;
  error?: string;
  readonly connected: Promise<void>;
  private readonly req: ClientRequest;
  private res?: IncomingMessage;
  private header = Buffer.alloc(0);
  private remaining = -1;
  private offline = false;
  private body: Buffer[] = [];

  constructor(
    url: string,
    private readonly options: { keepBodies?: boolean; onPart?: (part: MjpegPartInfo) => void } = {},
  ) {
    this.req = request(url);
    this.connected = new Promise((resolve, reject) => {
      this.req.on('response', (res) => {
        this.res = res;
        if (res.statusCode !== 200 || !/multipart\/x-mixed-replace/.test(String(res.headers['content-type']))) {
          this.error = `unexpected response ${res.statusCode} ${res.headers['content-type']}`;
          reject(new Error(this.error));
          return;
        }
        res.on('data', (chunk: Buffer) => this.push(chunk));
        res.on('error', () => undefined);
        resolve();
      });
      this.req.on('error', (err) => {
        this.error ??= err.message;
        reject(err);
      });
    });
    this.connected.catch(() => undefined);
    this.req.end();
  }

  mark(): void {
    this.partsSinceMark = 0;
  }

  /** Stop reading: the socket fills up and the server has to skip frames for this client. */
  pause(): void {
    this.res?.pause();
    this.res?.socket?.pause();
  }

  close(): void {
    this.req.destroy();
  }

  private push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining < 0) {
        // Headers are small: gather them until the blank line.
        const end = chunk.indexOf('\r\n\r\n', offset);
        const take = end < 0 ? chunk.length : end + 4;
        this.header = this.header.length ? Buffer.concat([this.header, chunk.subarray(offset, take)]) : Buffer.from(chunk.subarray(offset, take));
        offset = take;
        const blank = this.header.indexOf('\r\n\r\n');
        if (blank < 0) {
          if (this.header.length > 4096) this.fail('part header too long');
          continue;
        }
        const text = this.header.subarray(0, blank).toString('latin1');
        this.header = Buffer.alloc(0);
        const length = /content-length:\s*(\d+)/i.exec(text);
        if (!length || !/--\S+/.test(text)) return this.fail(`bad part header ${JSON.stringify(text.slice(0, 200))}`);
        this.remaining = Number(length[1]);
        this.offline = /x-camera-state:\s*offline/i.test(text);
        this.body = [];
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - offset);
      if (this.options.keepBodies) this.body.push(Buffer.from(chunk.subarray(offset, offset + n)));
      this.remaining -= n;
      this.bytes += n;
      offset += n;
      if (this.remaining === 0) this.partDone();
    }
  }

  private partDone(): void {
    const now = Date.now();
    this.firstPartAt ||= now;
    this.lastPartAt = now;
    this.parts++;
    this.partsSinceMark++;
    if (this.offline) this.offlineParts++;
    const body = this.options.keepBodies ? Buffer.concat(this.body) : undefined;
    this.options.onPart?.({ receivedAt: now, length: body?.length ?? 0, offline: this.offline, body });
    this.remaining = -1;
    this.body = [];
  }

  private fail(message: string): void {
    this.error ??= message;
    this.req.destroy();
  }
}
