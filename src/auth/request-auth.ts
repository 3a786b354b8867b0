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
