import type { Caller } from './access-rule';

/**
 * What the access guard leaves on every HTTP request it let through: who called (role and how
 * they proved it). Other modules (the audit log) read it with `authOf(request)`.
 */
export interface RequestAuth {
  /** 'admin' | 'viewer' | 'link' (a signed stream link) | 'metrics' (METRICS_TOKEN) | 'anonymous'. */
  role: Caller['role'];
  /** 'key' | 'session' | 'link' | 'token' | 'none'. */
  via: Caller['via'];
  /** When the session ends (seconds since the epoch), for a session. */
  expires?: number;
}

export interface RequestWithAuth {
  auth?: RequestAuth;
}

export function authOf(request: unknown): RequestAuth {
  return (request as RequestWithAuth).auth ?? { role: 'anonymous', via: 'none' };
}

/** The client's address as the server saw it (behind a reverse proxy, the proxy's), at most 64 characters. */
export function clientAddress(request: { ip?: string; socket?: { remoteAddress?: string } }): string {
  return (request.ip ?? request.socket?.remoteAddress ?? '').slice(0, 64);
}

/** The route's pattern (`/people/:id`), or the path when no route matched, at most 128 characters. */
export function routeOf(request: { route?: unknown; path: string }): string {
  return String((request.route as { path?: unknown } | undefined)?.path ?? request.path).slice(0, 128);
}
