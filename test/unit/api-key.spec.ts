import { apiKeyMatches, generateApiKey } from '../../src/auth/api-key';
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
