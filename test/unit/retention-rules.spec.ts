import fc from 'fast-check';
import { cutoffsAt, DAY_MS, expiryCutoff, isExpired } from '../../src/retention/retention-rules';
import { RetentionConfig, validateRetentionConfig } from '../../src/retention/retention.config';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('retention rules', () => {
  it('expires a record `days` after its time, not a millisecond before', () => {
    expect(isExpired(NOW - 30 * DAY_MS - 1, 30, NOW)).toBe(true);
    expect(isExpired(NOW - 30 * DAY_MS, 30, NOW)).toBe(false);
    expect(isExpired(NOW - 29 * DAY_MS, 30, NOW)).toBe(false);
    expect(isExpired(NOW - 7 * DAY_MS - 1, 7, NOW)).toBe(true);
  });

  it('expires exactly the records older than `days` at any time, and an expired record stays expired later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 1e11 }), fc.integer({ min: 1, max: 3650 }), fc.nat(1e10), (now, age, days, later) => {
        const expired = isExpired(now - age, days, now);
        expect(expired).toBe(age > days * DAY_MS);
        if (expired) expect(isExpired(now - age, days, now + later)).toBe(true);
      }),
    );
  });

  it('keeps everything forever at 0 days', () => {
    expect(expiryCutoff(0, NOW)).toBeNull();
    expect(isExpired(0, 0, NOW)).toBe(false);
  });

  it('refuses a negative or non-finite number of days', () => {
    expect(() => expiryCutoff(-1, NOW)).toThrow(RangeError);
    expect(() => expiryCutoff(Number.NaN, NOW)).toThrow(RangeError);
  });

  it('gives one cutoff per kind kept for a limited time, and none for kinds kept forever', () => {
    expect(cutoffsAt({ sightings: 30, unknown_faces: 7, audit: 0 }, NOW)).toEqual([
      { kind: 'sightings', cutoff: NOW - 30 * DAY_MS },
      { kind: 'unknown_faces', cutoff: NOW - 7 * DAY_MS },
    ]);
    expect(cutoffsAt({ sightings: 0, unknown_faces: 0, audit: 0 }, NOW)).toEqual([]);
  });
});

describe('RetentionConfig', () => {
  it('defaults to 30 days of sightings, 7 of unknown faces, 90 of audit entries', () => {
    expect(validateRetentionConfig({}).policy()).toEqual({ sightings: 30, unknown_faces: 7, audit: 90 });
    expect(validateRetentionConfig({ RETENTION_SIGHTINGS_DAYS: '' }).RETENTION_SIGHTINGS_DAYS).toBe(30);
  });

  it('reads the environment, 0 meaning keep', () => {
    const config = validateRetentionConfig({ RETENTION_SIGHTINGS_DAYS: '0', RETENTION_UNKNOWN_DAYS: '1', RETENTION_AUDIT_DAYS: '365', OTHER: 'x' });
    expect(config).toBeInstanceOf(RetentionConfig);
    expect(config.policy()).toEqual({ sightings: 0, unknown_faces: 1, audit: 365 });
  });

  it.each([
    ['RETENTION_SIGHTINGS_DAYS', '-1'],
    ['RETENTION_UNKNOWN_DAYS', '1.5'],
    ['RETENTION_AUDIT_DAYS', 'soon'],
  ])('refuses %s=%s with a message naming it', (key, value) => {
    expect(() => validateRetentionConfig({ [key]: value })).toThrow(new RegExp(`Invalid configuration:\\n  ${key}="${value}"`));
  });
});
