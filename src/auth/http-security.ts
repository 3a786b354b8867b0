import type { INestApplication } from '@nestjs/common';
import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import helmet from 'helmet';

/**
 * The Content-Security-Policy: everything from this origin only. Scripts are files (the page's,
 * Swagger UI's and /socket.io/socket.io.js), never inline; styles may be inline (the page and
 * Swagger UI use style attributes); images include data: and blob: (Swagger UI's icons); the
 * Socket.IO connection goes back to this origin (ws:/wss: for browsers where 'self' does
 * not cover WebSockets yet). No plugins, no framing by other sites.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    mediaSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    scriptSrcAttr: ["'none'"],
  },
};

/** CORS_ORIGINS as the cors package takes it: false (same origin only), true (any), or a list. */
export function corsOriginOption(setting: string): boolean | string[] {
  const origins = setting
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) return false;
  if (origins.includes('*')) return true;
  return origins;
}

/**
 * The whole answer to a request Node's HTTP parser refused before the app saw it (a NUL or a
 * control character in a header, headers over 16 KB, a broken request line): the API's JSON
 * error shape, like every other refusal, instead of Node's bare status line; then the
 * connection closes.
 */
export function malformedRequestAnswer(code: string | undefined): string {
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431 ? 'the request headers are too large (16 KB in all at most)' : status === 408 ? 'the request took too long to arrive' : 'the request is not valid HTTP (a header holds a character that is not allowed, such as NUL)';
  const body = JSON.stringify({ statusCode: status, message, error: STATUS_CODES[status] });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Answers requests the HTTP parser refused with malformedRequestAnswer (a reset connection is simply closed). */
export function answerMalformedRequestsInJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(malformedRequestAnswer(err.code));
  });
}

/** Secure headers (helmet), CORS, and JSON answers to malformed requests. */
export function applyHttpSecurity(app: INestApplication, corsOrigins: string): void {
  answerMalformedRequestsInJson(app.getHttpServer() as Server);
  app.use(
    helmet({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      // Plain HTTP on a LAN is a normal way to run this: do not pin browsers to HTTPS.
      strictTransportSecurity: false,
    }),
  );
  const origin = corsOriginOption(corsOrigins);
  if (origin !== false) {
    app.enableCors({
      origin,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'x-api-key', 'authorization'],
      maxAge: 600,
    });
  }
}
