import { ConsoleLogger } from '@nestjs/common';
import { validateConfig } from '../../src/config/app-config';
import { isCameraHealthy } from '../../src/health/health-rules';
import { createAppLogger, logFormatFor } from '../../src/logging/log-format';
import { RateWindow } from '../../src/metrics/fps-window';

describe('isCameraHealthy', () => {
  it('is healthy only while frames come (or a non-looping file has ended)', () => {
    expect(isCameraHealthy('live')).toBe(true);
    expect(isCameraHealthy('ended')).toBe(true);
    for (const state of ['idle', 'connecting', 'reconnecting', 'offline', 'stopped', 'something-new']) expect(isCameraHealthy(state)).toBe(false);
  });
});

describe('RateWindow', () => {
  it('counts events per second over the window and forgets older ones', () => {
    const window = new RateWindow(5000);
    for (let t = 0; t < 5000; t += 40) window.record(t); // 25 fps for 5 s
    expect(window.ratePerSecond(4999)).toBe(25);
    expect(window.ratePerSecond(7500)).toBeCloseTo(12.4, 5);
    expect(window.ratePerSecond(20_000)).toBe(0);
  });
});

describe('log format', () => {
  it('is JSON in production or when asked, text otherwise', () => {
    expect(logFormatFor({})).toBe('text');
    expect(logFormatFor({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormatFor({ NODE_ENV: 'production', LOG_FORMAT: 'text' })).toBe('text');
    expect(logFormatFor({ LOG_FORMAT: 'JSON' })).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: 'xml' })).toBe('text');
  });
  it('writes one JSON object per line', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const logger = createAppLogger({ LOG_FORMAT: 'json' }) as ConsoleLogger;
      logger.log('camera file x: connecting -> live', 'CameraState');
      const line = String(write.mock.calls[0][0]);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({ level: 'log', context: 'CameraState', message: 'camera file x: connecting -> live' });
    } finally {
      write.mockRestore();
    }
  });
});

describe('hardening settings', () => {
  it('have defaults', () => {
    expect(validateConfig({})).toMatchObject({
      PUBLIC_READS: false,
      PROTECT_READS: undefined,
      SESSION_TTL_HOURS: 12,
      VIEWER_API_KEY: undefined,
      METRICS_TOKEN: undefined,
      RATE_LIMIT_WINDOW_S: 60,
      RATE_LIMIT_MAX: 1200,
      RATE_LIMIT_WRITE_MAX: 60,
      CORS_ORIGINS: '',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      ADMIN_API_KEY: undefined,
      LOG_FORMAT: undefined,
    });
  });
  it('refuse a short admin key without repeating it', () => {
    expect(() => validateConfig({ ADMIN_API_KEY: 'secret-short' })).toThrow(/ADMIN_API_KEY=\(hidden\): .*at least 16/);
    expect(() => validateConfig({ ADMIN_API_KEY: 'secret-short' })).not.toThrow(/secret-short/);
    expect(() => validateConfig({ ADMIN_API_KEY: 'has spaces inside it, long' })).toThrow(/printable ASCII/);
    expect(validateConfig({ ADMIN_API_KEY: 'a-good-key-0123456789', LOG_FORMAT: 'json', PROTECT_READS: 'true' })).toMatchObject({
      ADMIN_API_KEY: 'a-good-key-0123456789',
      LOG_FORMAT: 'json',
      PROTECT_READS: true,
    });
    expect(() => validateConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
    expect(() => validateConfig({ VIEWER_API_KEY: 'short-secret' })).toThrow(/VIEWER_API_KEY=\(hidden\)/);
    expect(() => validateConfig({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => validateConfig({ PUBLIC_READS: 'true', PROTECT_READS: 'true' })).toThrow(/contradict/);
    expect(() => validateConfig({ ADMIN_API_KEY: 'same-key-0123456789', VIEWER_API_KEY: 'same-key-0123456789' })).toThrow(/must differ/);
    expect(validateConfig({ PUBLIC_READS: 'yes', SESSION_TTL_HOURS: '2' })).toMatchObject({ PUBLIC_READS: true, SESSION_TTL_HOURS: 2 });
  });
});
