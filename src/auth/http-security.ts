import type { INestApplication } from '@nestjs/common';
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

/** Secure headers (helmet) and CORS. */
export function applyHttpSecurity(app: INestApplication, corsOrigins: string): void {
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
