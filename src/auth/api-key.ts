import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The request header that carries an API key (admin or viewer). */
export const API_KEY_HEADER = 'x-api-key';
/** The name of the key's security scheme in the OpenAPI document (Swagger UI's Authorize button). */
export const API_KEY_SCHEME = 'api-key';
/** The session cookie's security scheme in the OpenAPI document. */
export const SESSION_SCHEME = 'session';

/**
 * Whether `given` is the key, in time that does not depend on where they differ: both are
 * hashed first, so even their lengths are compared in constant time. A missing or empty key
 * takes the same steps as a wrong one (hashed and compared, then refused), so the time does
 * not tell them apart either.
 */
export function apiKeyMatches(given: unknown, expected: string): boolean {
  const text = typeof given === 'string' ? given : '';
  const same = timingSafeEqual(digest(text), digest(expected));
  return same && text.length > 0 && expected.length > 0;
}

/** A new random key: 32 bytes, base64url (43 characters). */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
