/**
 * The access table's pieces: the server's own route list (what Nest mapped, as it logs it at
 * start), a request for each route, the kinds of credentials to try, and what each should get.
 * The expectations are written here from the README's rule, not taken from the server's code.
 */

export interface Route {
  method: string;
  path: string;
}

/** Every route Nest mapped, from the server's JSON log ("Mapped {/people/:id, GET} route"). */
export function mappedRoutes(output: string): Route[] {
  const routes: Route[] = [];
  for (const line of output.split('\n')) {
    const match = /Mapped \{([^,}]+), ([A-Z]+)\} route/.exec(line);
    if (match) routes.push({ path: match[1], method: match[2] });
  }
  return routes;
}

/** Routes anyone may use: health, signing in and out, the console's static files. */
const PUBLIC_ROUTES = new Set(['GET /health', 'GET /login', 'POST /auth/login', 'POST /auth/logout', 'GET /auth/session', 'GET /assets/:file', 'GET /assets/js/:file']);
/** POSTs that only look a photo up. */
const READ_ONLY_POSTS = new Set(['POST /recognize', 'POST /sightings/search']);

/** Reads for admins only (@AdminOnly): known ones, plus whatever the OpenAPI document marks `x-required-role: admin`. */
const ADMIN_READS = new Set(['GET /audit']);

export type Need = 'public' | 'read' | 'write';

/** What a route needs; `adminOnly` are the routes the OpenAPI document marks for admins. */
export function needOf(route: Route, adminOnly: ReadonlySet<string> = new Set()): Need {
  const key = `${route.method} ${route.path}`;
  if (ADMIN_READS.has(key) || adminOnly.has(key)) return 'write';
  if (PUBLIC_ROUTES.has(key)) return 'public';
  if (route.method === 'GET' || route.method === 'HEAD' || READ_ONLY_POSTS.has(key)) return 'read';
  return 'write';
}

/** A concrete URL path for a route: ids that do not exist, the camera "main" (a made-up one for changes, so nothing real is changed). */
export function concretePath(route: Route): string {
  const changes = route.method === 'PATCH' || route.method === 'DELETE';
  return route.path
    .replace(':name', changes ? 'no-such-camera' : 'main')
    .replace('assets/js/:file', 'assets/js/main.js')
    .replace(':file', 'console.css')
    .replace(/:[A-Za-z]+/g, '999999');
}

export const CREDENTIALS = ['none', 'viewer key', 'admin key', 'wrong key', 'viewer cookie', 'admin cookie', 'admin cookie, foreign Origin'] as const;
export type Credential = (typeof CREDENTIALS)[number];

/** 'pass' = neither 401 nor 403 (the route then answers whatever it answers: 200, 400, 404…). */
export type Expected = 'pass' | 401 | 403;

export function expected(need: Need, credential: Credential): Expected {
  if (need === 'public') return 'pass';
  switch (credential) {
    case 'none':
    case 'wrong key':
      return 401;
    case 'viewer key':
    case 'viewer cookie':
      return need === 'write' ? 403 : 'pass';
    case 'admin key':
    case 'admin cookie':
      return 'pass';
    case 'admin cookie, foreign Origin':
      return 403;
  }
}

/** The status a request gets; the body is not read (streams never end), the connection is dropped. */
export async function statusOf(url: string, init: RequestInit): Promise<{ status: number; type: string | null; body?: unknown }> {
  const abort = new AbortController();
  const response = await fetch(url, { ...init, redirect: 'manual', signal: abort.signal });
  const type = response.headers.get('content-type');
  let body: unknown;
  if (type?.includes('application/json')) body = await response.json();
  abort.abort();
  return { status: response.status, type, body };
}
