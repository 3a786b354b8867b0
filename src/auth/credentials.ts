import { createHash, timingSafeEqual } from 'node:crypto';
import type { Caller, Role } from './access-rule';
import { API_KEY_HEADER } from './api-key';
import { sessionCookieFrom } from './cookies';
import { SessionClaims, verifySession, verifyStreamLink } from './signed-tokens';

/** What the caller's credentials are checked against. */
export interface CredentialStore {
  adminKey: string;
  viewerKey: string;
  metricsToken?: string;
  /** Signs sessions and stream links. */
  secret: string;
  fingerprintOf(role: Role): string;
  isRevoked(sessionId: string): boolean;
}

/** The parts of a request (HTTP or Socket.IO handshake) that can carry credentials. */
export interface CredentialInput {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  /** Socket.IO's `auth` payload: `{ key }`. */
  auth?: Record<string, unknown>;
}

export type Identification =
  | { ok: true; caller: Caller; session?: SessionClaims }
  /** Credentials were sent but are not valid: 401, whatever the route (and the cookie is cleared when it was the cookie). */
  | { ok: false; message: string; badCookie: boolean };

/** `/cameras/{name}/stream` and `/cameras/{name}/snapshot.jpg`: where a signed link is accepted. */
const LINK_PATH = /^\/cameras\/([^/]+)\/(stream|snapshot\.jpg)$/;

/**
 * Who is calling: an API key (x-api-key, or `Authorization: Bearer`), the metrics token, a
 * session cookie, or a signed stream link, in that order; anonymous without any. A key is
 * compared with every configured key in constant time (hashes of both sides), also when none
 * was sent, so a wrong key and a missing one take the same time.
 */
export function identify(input: CredentialInput, store: CredentialStore, nowSeconds: number): Identification {
  const presented = presentedKey(input);
  const given = typeof presented === 'string' ? presented : '';
  const digest = hash(given);
  const isAdmin = sameDigest(digest, store.adminKey);
  const isViewer = sameDigest(digest, store.viewerKey);
  const isMetrics = store.metricsToken !== undefined && sameDigest(digest, store.metricsToken);
  if (presented !== undefined) {
    if (presented !== null && given.length > 0) {
      if (isAdmin) return { ok: true, caller: { role: 'admin', via: 'key' } };
      if (isViewer) return { ok: true, caller: { role: 'viewer', via: 'key' } };
      if (isMetrics && input.path.toLowerCase() === '/metrics') return { ok: true, caller: { role: 'metrics', via: 'token' } };
    }
    return { ok: false, message: `the API key in ${API_KEY_HEADER} is not valid`, badCookie: false };
  }

  const cookie = sessionCookieFrom(input.headers.cookie);
  if (cookie === null) return { ok: false, message: 'the session cookie is malformed: sign in again at /login', badCookie: true };
  if (cookie !== undefined && cookie !== '') {
    const check = verifySession(store.secret, cookie, nowSeconds, (role) => store.fingerprintOf(role), (id) => store.isRevoked(id));
    if (!check.ok) {
      const why = check.reason === 'expired' ? 'has expired' : check.reason === 'revoked' ? 'was ended (signed out)' : 'is not valid';
      return { ok: false, message: `the session ${why}: sign in again at /login`, badCookie: true };
    }
    return { ok: true, caller: { role: check.value.role, via: 'session' }, session: check.value };
  }

  const link = linkFrom(input, store, nowSeconds);
  if (link) return link;
  return { ok: true, caller: { role: 'anonymous', via: 'none' } };
}

/** The key sent: undefined when none (an empty header is none), null when it is not one string (the header given twice). */
function presentedKey(input: CredentialInput): string | null | undefined {
  const header = input.headers[API_KEY_HEADER];
  if (header !== undefined && header !== '') return typeof header === 'string' ? header : null;
  const authorization = input.headers.authorization;
  if (authorization !== undefined && authorization !== '') {
    if (typeof authorization !== 'string') return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : null;
  }
  const fromAuth = input.auth?.key;
  if (fromAuth !== undefined && fromAuth !== '') return typeof fromAuth === 'string' ? fromAuth : null;
  return undefined;
}

function linkFrom(input: CredentialInput, store: CredentialStore, nowSeconds: number): Identification | undefined {
  const query = input.query ?? {};
  if (query.token === undefined && query.expires === undefined) return undefined;
  const match = LINK_PATH.exec(input.path);
  if (!match) return undefined;
  let camera: string;
  try {
    camera = decodeURIComponent(match[1]);
  } catch {
    return { ok: false, message: 'the stream link is not valid', badCookie: false };
  }
  const check = verifyStreamLink(store.secret, camera, query.token, query.expires, nowSeconds, store.fingerprintOf('admin'));
  if (!check.ok) return { ok: false, message: check.reason === 'expired' ? 'the stream link has expired' : 'the stream link is not valid', badCookie: false };
  return { ok: true, caller: { role: 'link', via: 'link', camera } };
}

function hash(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameDigest(digest: Buffer, key: string): boolean {
  return timingSafeEqual(digest, hash(key)) && key.length > 0;
}

/**
 * Whether a request's Origin is another site's: not this host (the Host header, or X-Forwarded-Host
 * behind a proxy: a page cannot set either on a cross-site request) and not one of CORS_ORIGINS.
 * Requests without an Origin (not from a browser page, or a same-origin navigation) are not foreign.
 */
export function isForeignOrigin(origin: unknown, hosts: unknown[], allowed: boolean | string[]): boolean {
  if (origin === undefined) return false;
  if (typeof origin !== 'string' || origin === 'null') return true;
  if (allowed === true) return false;
  if (Array.isArray(allowed) && allowed.includes(origin)) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return true;
  }
  const ours = hosts.flatMap((host) => (typeof host === 'string' ? host.split(',').map((h) => h.trim().toLowerCase()) : []));
  return !ours.includes(originHost);
}

/** The hosts a request was addressed to: Host, and X-Forwarded-Host (a reverse proxy's). */
export function requestHosts(headers: Record<string, string | string[] | undefined>): unknown[] {
  return [headers.host, headers['x-forwarded-host']];
}
