/** The session cookie: its name, reading it from a Cookie header, and the Set-Cookie values. */

export const SESSION_COOKIE = 'fs_session';

/**
 * The session cookie's value in a Cookie header: undefined when there is none, null when the
 * header is malformed in a way that matters (an undecodable value, or the cookie given twice).
 */
export function sessionCookieFrom(header: unknown): string | undefined | null {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') return null;
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    if (found !== undefined) return null;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      found = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return found;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  /** Only over HTTPS (set when the request came over HTTPS). */
  secure: boolean;
}

/**
 * HttpOnly (no script reads it), SameSite=Lax (not sent with other sites' requests, except a
 * top-level link someone follows, which can only read), whole site.
 */
export function sessionCookie(token: string, options: CookieOptions): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeSeconds}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** Removes the cookie from the browser. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { maxAgeSeconds: 0, secure });
}

/** Whether the browser reached us over HTTPS: directly, or through a proxy that says so (X-Forwarded-Proto). */
export function cameOverHttps(secure: boolean, forwardedProto: unknown): boolean {
  return secure || (typeof forwardedProto === 'string' && forwardedProto.split(',')[0].trim().toLowerCase() === 'https');
}
