import { cpus, loadavg } from 'node:os';
import { apiKeyMatches, generateApiKey } from '../../src/auth/api-key';
import { CredentialStore, identify } from '../../src/auth/credentials';
import { corsOriginOption, malformedRequestAnswer } from '../../src/auth/http-security';
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

/**
 * The median time of `rounds` batches of `batch` calls of each function, interleaved so both see
 * the same machine load (ns per call).
 */
function medianTimes(fns: Array<() => unknown>, rounds = 31, batch = 400): number[] {
  const samples: number[][] = fns.map(() => []);
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, i) => {
      const start = process.hrtime.bigint();
      for (let n = 0; n < batch; n++) fn();
      samples[i].push(Number(process.hrtime.bigint() - start) / batch);
    });
  }
  return samples.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]);
}

/**
 * Timings cannot be judged on a busy machine (other jobs preempt one batch and not the next): the
 * comparisons run only while the load is under the core count, else they show as skipped.
 */
const quietMachine = loadavg()[0] < cpus().length;
const timed = quietMachine ? it : it.skip;

describe(`no timing difference between a wrong key and a missing one${quietMachine ? '' : ' (skipped: machine loaded)'}`, () => {
  const ADMIN = 'admin-key-0123456789abcdef-0123456789abcdef';
  const store: CredentialStore = {
    adminKey: ADMIN,
    viewerKey: 'viewer-key-0123456789abcdef-0123456789abcdef',
    secret: 'secret',
    fingerprintOf: () => 'f',
    isRevoked: () => false,
  };
  const NOW = 1_800_000_000;

  timed('signing in: a missing or empty key is hashed and compared like a wrong one', () => {
    medianTimes([() => apiKeyMatches('warm-up', ADMIN)], 3);
    const [missing, empty, wrong, nearlyRight] = medianTimes([
      () => apiKeyMatches(undefined, ADMIN),
      () => apiKeyMatches('', ADMIN),
      () => apiKeyMatches('wrong-key-0123456789abcdef-0123456789abcdef', ADMIN),
      () => apiKeyMatches(`${ADMIN.slice(0, -1)}x`, ADMIN),
    ]);
    // Same work each (two SHA-256 and a constant-time compare): within a third of each other.
    for (const time of [missing, empty, nearlyRight]) expect(time / wrong).toBeGreaterThan(0.67);
    for (const time of [missing, empty, nearlyRight]) expect(time / wrong).toBeLessThan(1.5);
  });

  timed('every request: a missing key is compared with every key like a wrong one', () => {
    const request = (headers: Record<string, string>) => () => identify({ path: '/people/1', headers }, store, NOW);
    medianTimes([request({})], 3);
    const [missing, wrong] = medianTimes([request({}), request({ 'x-api-key': 'wrong-key-0123456789abcdef-0123456789abcdef' })]);
    expect(missing / wrong).toBeGreaterThan(0.67);
    expect(missing / wrong).toBeLessThan(1.5);
  });
});

describe('malformedRequestAnswer (requests the HTTP parser refuses)', () => {
  it('answers in the API\'s JSON error shape, with a length, and closes', () => {
    for (const [code, status] of [['HPE_INVALID_HEADER_TOKEN', 400], ['HPE_HEADER_OVERFLOW', 431], ['ERR_HTTP_REQUEST_TIMEOUT', 408], [undefined, 400]] as const) {
      const answer = malformedRequestAnswer(code);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head).toContain('Content-Type: application/json; charset=utf-8');
      expect(head).toContain('Connection: close');
      expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
      expect(JSON.parse(body)).toMatchObject({ statusCode: status, message: expect.any(String), error: expect.any(String) });
    }
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
