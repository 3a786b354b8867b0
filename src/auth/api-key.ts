import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The request header that carries the admin API key. */
export const API_KEY_HEADER = 'x-api-key';
/** The name of the key's security scheme in the OpenAPI document (Swagger UI's Authorize button). */
export const API_KEY_SCHEME = 'admin-key';

/** Methods that only read; every other method changes data and needs the key. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Reads that PROTECT_READS puts behind the key: the people library and the stream (and the console's pages of people). */
const PROTECTABLE_READS = ['/people', '/stream', '/cameras', '/sightings', '/unknown-faces', '/recognize'];
/** Reads only an admin may make, whatever PROTECT_READS says: the audit log, everything stored about a person. */
const ADMIN_READS = [/^\/audit(\/|$)/, /^\/people\/[^/]+\/export\/?$/];
/** POST routes that only read: a photo is sent to be looked up and nothing is stored, so they need what reads need. */
const READ_ONLY_POSTS = new Set(['/recognize', '/sightings/search']);

/**
 * Whether `given` is the key, in time that does not depend on where they differ: both are
 * hashed first, so even their lengths are compared in constant time.
 */
export function apiKeyMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || expected.length === 0) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** A new random key: 32 bytes, base64url (43 characters). */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a request needs the admin key. */
export function requiresApiKey(method: string, requestPath: string, protectReads: boolean): boolean {
  const verb = method.toUpperCase();
  // Express matches routes without regard to case: so must this rule (GET /PEOPLE reaches GET /people).
  const path = requestPath.toLowerCase();
  const readsOnly = SAFE_METHODS.has(verb) || (verb === 'POST' && READ_ONLY_POSTS.has(path));
  if (!readsOnly) return true;
  // A CORS preflight carries no credentials by design.
  if (verb === 'OPTIONS') return false;
  if (ADMIN_READS.some((pattern) => pattern.test(path))) return true;
  if (!protectReads) return false;
  return PROTECTABLE_READS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
