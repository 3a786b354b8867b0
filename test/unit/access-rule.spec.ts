import { AccessOptions, Caller, decide, requirementFor } from '../../src/auth/access-rule';

const SECURE: AccessOptions = { publicReads: false, metricsToken: false };
const PUBLIC: AccessOptions = { publicReads: true, metricsToken: false };
const admin: Caller = { role: 'admin', via: 'key' };
const viewer: Caller = { role: 'viewer', via: 'session' };
const nobody: Caller = { role: 'anonymous', via: 'none' };
const link: Caller = { role: 'link', via: 'link', camera: 'door' };
const scraper: Caller = { role: 'metrics', via: 'token' };

describe('requirementFor', () => {
  it('makes every method that changes data a write, on any path', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) {
      for (const path of ['/people', '/anything/else', '/metrics', '/cameras/door/stream-url']) expect(requirementFor(method, path)).toBe('write');
    }
  });
  it('makes every read a read, whatever the path (a new route is covered by default)', () => {
    for (const path of ['/', '/people', '/people/3/faces/4/thumbnail', '/stream', '/stream/snapshot.jpg', '/cameras/x/stream', '/live/faces', '/live/stats', '/sightings', '/unknown-faces/2/thumbnail', '/brand-new', '/health/', '/loginx']) {
      expect(requirementFor('GET', path)).toBe('read');
      expect(requirementFor('HEAD', path)).toBe('read');
    }
  });
  it('leaves only health, signing in and out, and static files public; preflights too', () => {
    for (const path of ['/health', '/login', '/auth/login', '/auth/session', '/assets/console.css', '/assets/js/main.js']) expect(requirementFor('GET', path)).toBe('public');
    for (const path of ['/auth/login', '/auth/logout']) expect(requirementFor('POST', path)).toBe('public');
    expect(requirementFor('OPTIONS', '/people')).toBe('public');
  });
  it('treats the photo look-ups (POST /recognize, POST /sightings/search) as reads, and only them', () => {
    for (const path of ['/recognize', '/sightings/search', '/RECOGNIZE']) expect(requirementFor('POST', path)).toBe('read');
    for (const path of ['/sightings', '/recognize/x', '/sightings/search/x', '/unknown-faces/1/assign']) expect(requirementFor('POST', path)).toBe('write');
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(requirementFor(method, '/recognize')).toBe('write');
  });
  it('judges a path in any case as the route Express serves for it', () => {
    expect(requirementFor('GET', '/HEALTH')).toBe('public');
    expect(requirementFor('GET', '/Metrics')).toBe('metrics');
    expect(requirementFor('GET', '/PEOPLE')).toBe('read');
  });
});

describe('decide', () => {
  it('lets an admin do everything', () => {
    for (const requirement of ['public', 'read', 'write', 'metrics'] as const) expect(decide(requirement, admin, SECURE)).toEqual({ allow: true });
  });
  it('lets a viewer read but not write (403)', () => {
    expect(decide('read', viewer, SECURE)).toEqual({ allow: true });
    expect(decide('metrics', viewer, SECURE)).toEqual({ allow: true });
    expect(decide('write', viewer, SECURE)).toMatchObject({ allow: false, status: 403 });
  });
  it('asks anonymous callers for credentials (401), except on public routes', () => {
    expect(decide('public', nobody, SECURE)).toEqual({ allow: true });
    for (const requirement of ['read', 'write', 'metrics'] as const) expect(decide(requirement, nobody, SECURE)).toMatchObject({ allow: false, status: 401 });
  });
  it('opens reads and /metrics with PUBLIC_READS, but never writes; METRICS_TOKEN keeps /metrics closed', () => {
    expect(decide('read', nobody, PUBLIC)).toEqual({ allow: true });
    expect(decide('metrics', nobody, PUBLIC)).toEqual({ allow: true });
    expect(decide('write', nobody, PUBLIC)).toMatchObject({ status: 401 });
    expect(decide('metrics', nobody, { publicReads: true, metricsToken: true })).toMatchObject({ status: 401 });
  });
  it('keeps an @AdminOnly route (a read) for admins: a viewer gets 403, nobody 401, even with PUBLIC_READS', () => {
    expect(decide('admin', admin, SECURE)).toEqual({ allow: true });
    expect(decide('admin', viewer, PUBLIC)).toMatchObject({ allow: false, status: 403 });
    expect(decide('admin', nobody, PUBLIC)).toMatchObject({ allow: false, status: 401 });
    expect(decide('admin', link, SECURE)).toMatchObject({ status: 403 });
  });
  it('lets a stream link read (its camera only: see identify) and the metrics token scrape, nothing more', () => {
    expect(decide('read', link, SECURE)).toEqual({ allow: true });
    expect(decide('write', link, SECURE)).toMatchObject({ status: 403 });
    expect(decide('metrics', link, SECURE)).toMatchObject({ status: 401 });
    expect(decide('metrics', scraper, SECURE)).toEqual({ allow: true });
    expect(decide('read', scraper, SECURE)).toMatchObject({ status: 401 });
    expect(decide('write', scraper, SECURE)).toMatchObject({ status: 403 });
  });
});
