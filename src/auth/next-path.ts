/** Where the login page sends the browser back to: a path on this site only (no open redirect). */

const BASE = 'http://this.invalid';

/**
 * `next` if it is a relative path on this site (`/…`, not `//…` or `/\…`, no scheme, no control
 * characters), normalised; otherwise `/`. The login pages themselves are never a destination.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\') || /[\x00-\x1f\x7f]/.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (/^\/(login|auth\/)/i.test(url.pathname)) return '/';
  return path;
}

/** The login page's address for a browser that was going to `path`. */
export function loginPathFor(path: string, reason?: string): string {
  const next = safeNextPath(path);
  const query = new URLSearchParams();
  if (next !== '/') query.set('next', next);
  if (reason) query.set('reason', reason);
  const text = query.toString();
  return text ? `/login?${text}` : '/login';
}
