import { request } from 'node:http';

export interface MjpegPart {
  headers: Record<string, string>;
  body: Buffer;
  receivedAt: number;
}

/**
 * Reads `count` parts of a multipart/x-mixed-replace stream with a plain HTTP client,
 * parsing boundaries and Content-Length itself (as a strict client would).
 */
export function readMjpegParts(url: string, count: number, timeoutMs = 30_000, headers: Record<string, string> = {}): Promise<{ contentType: string; parts: MjpegPart[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
      if (res.statusCode !== 200 || !boundary) {
        req.destroy();
        return reject(new Error(`unexpected response ${res.statusCode} ${contentType}`));
      }
      const parts: MjpegPart[] = [];
      let buffer = Buffer.alloc(0);
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error(`only ${parts.length} parts in ${timeoutMs} ms`));
      }, timeoutMs);
      res.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const start = buffer.indexOf(`--${boundary}\r\n`);
          if (start < 0) return;
          const headerEnd = buffer.indexOf('\r\n\r\n', start);
          if (headerEnd < 0) return;
          const headerLines = buffer.subarray(start, headerEnd).toString('latin1').split('\r\n').slice(1);
          const headers = Object.fromEntries(
            headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
          );
          const length = Number(headers['content-length']);
          if (!Number.isFinite(length)) {
            clearTimeout(timer);
            req.destroy();
            return reject(new Error('part without Content-Length'));
          }
          const bodyStart = headerEnd + 4;
          if (buffer.length < bodyStart + length) return;
          parts.push({ headers, body: Buffer.from(buffer.subarray(bodyStart, bodyStart + length)), receivedAt: Date.now() });
          buffer = buffer.subarray(bodyStart + length);
          if (parts.length >= count) {
            clearTimeout(timer);
            req.destroy();
            return resolve({ contentType, parts });
          }
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.end();
  });
}

/** A complete baseline or progressive JPEG: starts with SOI, ends with EOI. */
export function isCompleteJpeg(body: Buffer): boolean {
  return body.length > 200 && body[0] === 0xff && body[1] === 0xd8 && body[body.length - 2] === 0xff && body[body.length - 1] === 0xd9;
}
