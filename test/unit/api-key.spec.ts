import { apiKeyMatches, generateApiKey, requiresApiKey } from '../../src/auth/api-key';
import { corsOriginOption } from '../../src/auth/http-security';
import { isRateLimited } from '../../src/auth/rate-limit.guard';

describe('apiKeyMatches', () => {
  const key = 'k3y-0123456789abcdef';
  it('accepts the key itself only', () => {
    expect(apiKeyMatches(key, key)).toBe(true);
    expect(apiKeyMatches(`${key} `, key)).toBe(false);
    expect(apiKeyMatches(key.slice(0, -1), key)).toBe(false);
    expect(apiKeyMatches(key.toUpperCase(), key)).toBe(false);
    expect(apiKeyMatches('x'.repeat(10_000), key)).toBe(false);
  });
  it('refuses anything that is not a non-empty string, and never matches an empty expected key', () => {
    for (const given of [undefined, null, '', 42, [key], { key }]) expect(apiKeyMatches(given, key)).toBe(false);
    expect(apiKeyMatches('', '')).toBe(false);
  });
});

describe('generateApiKey', () => {
  it('makes 43 base64url characters (256 bits), different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, generateApiKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('requiresApiKey', () => {
  it('requires the key for every method that changes data, on any path', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) {
      expect(requiresApiKey(method, '/people', false)).toBe(true);
      expect(requiresApiKey(method, '/anything/else', false)).toBe(true);
    }
  });
  it('leaves reads open unless PROTECT_READS, which covers people and the stream but not health, metrics or the page', () => {
    expect(requiresApiKey('GET', '/people', false)).toBe(false);
    expect(requiresApiKey('GET', '/stream', false)).toBe(false);
    for (const path of ['/people', '/people/3', '/people/3/faces/4/thumbnail', '/stream', '/stream/snapshot.jpg', '/sightings']) {
      expect(requiresApiKey('GET', path, true)).toBe(true);
    }
    for (const path of ['/', '/health', '/metrics', '/docs', '/peoplex', '/streams']) expect(requiresApiKey('GET', path, true)).toBe(false);
    expect(requiresApiKey('OPTIONS', '/people', true)).toBe(false);
  });
  it('always requires the key for the admin-only reads (the audit log, a person\'s export), and only them', () => {
    for (const path of ['/audit', '/audit/', '/AUDIT', '/people/3/export', '/People/3/Export', '/people/x/export/']) {
      expect(requiresApiKey('GET', path, false)).toBe(true);
      expect(requiresApiKey('HEAD', path, false)).toBe(true);
    }
    for (const path of ['/auditx', '/people/3', '/people/3/exports', '/people/3/faces/4/export/x']) expect(requiresApiKey('GET', path, false)).toBe(false);
    expect(requiresApiKey('OPTIONS', '/audit', false)).toBe(false);
  });
  it('judges a path in any case as the route Express serves for it', () => {
    for (const path of ['/PEOPLE', '/People/3', '/SIGHTINGS', '/Stream/snapshot.jpg']) expect(requiresApiKey('GET', path, true)).toBe(true);
    expect(requiresApiKey('POST', '/RECOGNIZE', false)).toBe(false);
  });
  it('treats the photo look-ups (POST /recognize, POST /sightings/search) as reads, and only them', () => {
    for (const path of ['/recognize', '/sightings/search']) {
      expect(requiresApiKey('POST', path, false)).toBe(false);
      expect(requiresApiKey('POST', path, true)).toBe(true);
      for (const method of ['PUT', 'PATCH', 'DELETE']) expect(requiresApiKey(method, path, false)).toBe(true);
    }
    for (const path of ['/sightings', '/recognize/x', '/sightings/search/x', '/people', '/unknown-faces/1/assign']) {
      expect(requiresApiKey('POST', path, false)).toBe(true);
    }
  });
});

describe('isRateLimited', () => {
  it('spares the stream, health and metrics', () => {
    for (const path of ['/stream', '/stream/snapshot.jpg', '/health', '/metrics']) expect(isRateLimited(path)).toBe(false);
    for (const path of ['/', '/people', '/people/1', '/streamer', '/docs']) expect(isRateLimited(path)).toBe(true);
  });
});

describe('corsOriginOption', () => {
  it('reads CORS_ORIGINS', () => {
    expect(corsOriginOption('')).toBe(false);
    expect(corsOriginOption(' , ')).toBe(false);
    expect(corsOriginOption('*')).toBe(true);
    expect(corsOriginOption('https://a.example, http://b.example:8080')).toEqual(['https://a.example', 'http://b.example:8080']);
  });
});
