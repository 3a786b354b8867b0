import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './access-rule';

/**
 * Session tokens and stream links: HMAC-SHA256 with the secret kept in DATA_DIR. Each signature
 * also covers a fingerprint of the key that issued it, so changing a key ends its sessions and
 * links. Stateless: nothing is stored but the logged-out sessions (see SessionRevocations).
 */

const VERSION = 'v1';
const ROLE_CODE: Record<Role, string> = { admin: 'a', viewer: 'v' };
const CODE_ROLE: Record<string, Role> = { a: 'admin', v: 'viewer' };
/** base64url of 32 bytes (a SHA-256 MAC). */
const MAC = /^[A-Za-z0-9_-]{43}$/;
const ID = /^[A-Za-z0-9_-]{22}$/;
const SECONDS = /^[0-9]{1,12}$/;

export interface SessionClaims {
  role: Role;
  /** Seconds since the epoch. */
  expires: number;
  /** Random id: what logging out revokes. */
  id: string;
}

export type TokenCheck<T> = { ok: true; value: T } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'revoked' };

/** The fingerprint of a key that a signature covers (never the key itself). */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

export function signSession(secret: string, role: Role, expires: number, fingerprintOf: (role: Role) => string): string {
  const id = randomBytes(16).toString('base64url');
  const body = `${VERSION}.${ROLE_CODE[role]}.${expires}.${id}`;
  return `${body}.${mac(secret, `session.${body}.${fingerprintOf(role)}`)}`;
}

/** Checks a session token: well formed, signed by this server for the role's current key, not expired, not revoked. */
export function verifySession(
  secret: string,
  token: string,
  nowSeconds: number,
  fingerprintOf: (role: Role) => string,
  isRevoked: (id: string) => boolean = () => false,
): TokenCheck<SessionClaims> {
  const parts = token.split('.');
  if (parts.length !== 5) return { ok: false, reason: 'malformed' };
  const [version, code, expiresText, id, signature] = parts;
  const role = CODE_ROLE[code];
  if (version !== VERSION || !role || !SECONDS.test(expiresText) || !ID.test(id) || !MAC.test(signature)) return { ok: false, reason: 'malformed' };
  const body = `${version}.${code}.${expiresText}.${id}`;
  if (!sameMac(signature, mac(secret, `session.${body}.${fingerprintOf(role)}`))) return { ok: false, reason: 'bad-signature' };
  const expires = Number(expiresText);
  if (expires <= nowSeconds) return { ok: false, reason: 'expired' };
  if (isRevoked(id)) return { ok: false, reason: 'revoked' };
  return { ok: true, value: { role, expires, id } };
}

/** The token of a link to one camera's stream (and snapshot) until `expires` (seconds). */
export function signStreamLink(secret: string, camera: string, expires: number, adminFingerprint: string): string {
  return mac(secret, `stream.${expires}.${adminFingerprint}.${camera}`);
}

export function verifyStreamLink(secret: string, camera: string, token: unknown, expiresText: unknown, nowSeconds: number, adminFingerprint: string): TokenCheck<{ expires: number }> {
  if (typeof token !== 'string' || typeof expiresText !== 'string' || !MAC.test(token) || !SECONDS.test(expiresText)) return { ok: false, reason: 'malformed' };
  const expires = Number(expiresText);
  if (!sameMac(token, signStreamLink(secret, camera, expires, adminFingerprint))) return { ok: false, reason: 'bad-signature' };
  if (expires <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, value: { expires } };
}

function mac(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('base64url');
}

/** Both are 43 base64url characters by now: compared in constant time. */
function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
