/**
 * The one access rule, as pure functions: what a route needs (public, a reader, an admin, or
 * the metrics scraper) and whether a caller has it. The HTTP guard and the Socket.IO handshake
 * both use it, so every channel follows the same rule.
 */

/** The two roles a key or session carries. */
export type Role = 'admin' | 'viewer';

/** What a request needs: `admin` is a route marked @AdminOnly() (an admin's read, such as the audit log). */
export type Requirement = 'public' | 'read' | 'write' | 'admin' | 'metrics';

/** Who is calling, once credentials are checked. */
export type Caller =
  | { role: Role; via: 'key' | 'session' }
  /** A signed stream link: this one camera's stream and snapshot only. */
  | { role: 'link'; via: 'link'; camera: string }
  /** METRICS_TOKEN: /metrics only. */
  | { role: 'metrics'; via: 'token' }
  | { role: 'anonymous'; via: 'none' };

export type Decision = { allow: true } | { allow: false; status: 401 | 403; message: string };

export interface AccessOptions {
  /** PUBLIC_READS: reads (and /metrics without METRICS_TOKEN) need no credentials. */
  publicReads: boolean;
  /** METRICS_TOKEN is set: /metrics needs it (or a key) even with PUBLIC_READS. */
  metricsToken: boolean;
}

/** Methods that only read. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** POST routes that only read: a photo is looked up and nothing is stored. */
const READ_ONLY_POSTS = new Set(['/recognize', '/sightings/search']);
/** Open to anyone: the health probe (no names in it), signing in and out, and the console's static files. */
const PUBLIC_EXACT = new Set(['/health', '/login', '/auth/login', '/auth/logout', '/auth/session']);
const PUBLIC_PREFIXES = ['/assets/'];

/**
 * What a request needs. Anything not listed as public needs a caller: reads a viewer, every
 * other method an admin. Paths are compared without regard to case, as Express routes them.
 */
export function requirementFor(method: string, requestPath: string): Requirement {
  const verb = method.toUpperCase();
  const path = requestPath.toLowerCase();
  // A CORS preflight carries no credentials by design, and answers with no data.
  if (verb === 'OPTIONS') return 'public';
  if (PUBLIC_EXACT.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix))) return 'public';
  if (path === '/metrics') return SAFE_METHODS.has(verb) ? 'metrics' : 'write';
  if (SAFE_METHODS.has(verb) || (verb === 'POST' && READ_ONLY_POSTS.has(path))) return 'read';
  return 'write';
}

/** Whether `caller` may do what `requirement` asks. */
export function decide(requirement: Requirement, caller: Caller, options: AccessOptions): Decision {
  if (requirement === 'public') return { allow: true };
  const { role } = caller;
  if (role === 'admin') return { allow: true };
  if (requirement === 'write') {
    if (role === 'anonymous') return unauthorized('an admin API key (x-api-key) or an admin session is required to change data');
    return forbidden(`the ${roleName(caller)} can only read: changes need the admin key`);
  }
  if (requirement === 'admin') {
    if (role === 'anonymous') return unauthorized('an admin API key (x-api-key) or an admin session is required');
    return forbidden(`this is for admins only, not the ${roleName(caller)}`);
  }
  if (requirement === 'metrics') {
    if (role === 'viewer' || role === 'metrics') return { allow: true };
    if (role === 'anonymous' && options.publicReads && !options.metricsToken) return { allow: true };
    return unauthorized('the metrics token (Authorization: Bearer) or an API key is required');
  }
  // A read.
  if (role === 'viewer' || role === 'link') return { allow: true };
  if (role === 'anonymous' && options.publicReads) return { allow: true };
  return unauthorized('a viewer or admin API key (x-api-key) or a session is required: sign in at /login');
}

/** The requirement of a Socket.IO connection: it receives every event, so it reads. */
export const SOCKET_REQUIREMENT: Requirement = 'read';

function roleName(caller: Caller): string {
  if (caller.role === 'link') return 'stream link';
  if (caller.role === 'metrics') return 'metrics token';
  return `${caller.role} role`;
}

function unauthorized(message: string): Decision {
  return { allow: false, status: 401, message };
}

function forbidden(message: string): Decision {
  return { allow: false, status: 403, message };
}
