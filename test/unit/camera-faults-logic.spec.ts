import { backoffDelay } from '../../src/camera/backoff';
import { CaptureWatchdog } from '../../src/camera/capture-watchdog';
import { encodeFrameHeader, FrameParser, WireFrame } from '../../src/camera/frame-wire';
import { ReconnectPolicy } from '../../src/camera/reconnect-policy';
import { validateConfig } from '../../src/config/app-config';

describe('ReconnectPolicy', () => {
  const limits = { initialMs: 500, maxMs: 30_000, stableAfterMs: 10_000 };

  it('doubles the delay on each failure up to the cap: 0.5, 1, 2, 4 ... 30 s', () => {
    const policy = new ReconnectPolicy(limits);
    const delays = Array.from({ length: 9 }, (_, i) => policy.onFailure(i * 100));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(policy.consecutiveFailures).toBe(9);
    expect(backoffDelay(0, 500, 30_000)).toBe(0);
  });

  it('starts again from the initial delay after a session that stayed up', () => {
    const policy = new ReconnectPolicy(limits);
    for (let i = 0; i < 5; i++) policy.onFailure(0);
    policy.onFrame(1000);
    policy.onFrame(5000);
    expect(policy.onFailure(11_000)).toBe(500);
  });

  it('keeps backing off for a source that flaps (a frame, then a failure)', () => {
    const policy = new ReconnectPolicy(limits);
    const delays: number[] = [];
    for (let t = 0; t < 5; t++) {
      policy.onFrame(t * 1000);
      delays.push(policy.onFailure(t * 1000 + 200));
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
  });
});

describe('CaptureWatchdog', () => {
  const limits = { openTimeoutMs: 15_000, readTimeoutMs: 5000 };

  it('gives a source until the open timeout to open', () => {
    const dog = new CaptureWatchdog(limits, 0);
    expect(dog.check(14_999)).toBeUndefined();
    expect(dog.check(15_001)).toMatch(/did not open within 15000 ms/);
  });

  it('expects a frame within the read timeout of the last one', () => {
    const dog = new CaptureWatchdog(limits, 0);
    dog.progress(1000); // opened
    expect(dog.check(5999)).toBeUndefined();
    dog.progress(5000); // a frame
    expect(dog.check(9999)).toBeUndefined();
    expect(dog.check(10_001)).toMatch(/no frame within 5000 ms/);
  });

  it('does not count time when the pipeline holds every credit, and restarts the clock when credit is back', () => {
    const dog = new CaptureWatchdog(limits, 0);
    dog.progress(0);
    dog.pause();
    expect(dog.check(60_000)).toBeUndefined();
    dog.resume(60_000);
    expect(dog.check(64_000)).toBeUndefined();
    expect(dog.check(65_001)).toMatch(/read timeout/);
  });

  it('ignores pause and resume while the source is still opening', () => {
    const dog = new CaptureWatchdog(limits, 0);
    dog.pause();
    dog.resume(10_000);
    expect(dog.check(15_001)).toMatch(/did not open/);
  });
});

describe('frame wire: corrupt-frame count', () => {
  it('carries the number of corrupt frames skipped before each frame (0 when not given)', () => {
    const meta = { position: 1, capturedAt: 1, readMs: 1, skipped: 0, width: 2, height: 1 };
    const frames: WireFrame[] = [];
    const parser = new FrameParser((f) => frames.push(f));
    parser.push(Buffer.concat([encodeFrameHeader({ ...meta, corrupt: 3 }), Buffer.alloc(6), encodeFrameHeader(meta), Buffer.alloc(6)]));
    expect(frames.map((f) => f.corrupt)).toEqual([3, 0]);
  });
});

describe('fault settings', () => {
  it('has defaults and validates them', () => {
    expect(validateConfig({})).toMatchObject({
      CAMERA_READ_TIMEOUT_MS: 5000,
      CAMERA_OPEN_TIMEOUT_MS: 15_000,
      CAMERA_RECONNECT_INITIAL_MS: 500,
      CAMERA_RECONNECT_MAX_MS: 30_000,
      STREAM_PLACEHOLDER_FPS: 2,
      STREAM_OFFLINE_AFTER_MS: 2000,
    });
    expect(validateConfig({ CAMERA_READ_TIMEOUT_MS: '1500', STREAM_PLACEHOLDER_FPS: '0.5' })).toMatchObject({ CAMERA_READ_TIMEOUT_MS: 1500, STREAM_PLACEHOLDER_FPS: 0.5 });
    expect(() => validateConfig({ CAMERA_READ_TIMEOUT_MS: '10', STREAM_PLACEHOLDER_FPS: '0' })).toThrow(/CAMERA_READ_TIMEOUT_MS[\s\S]*STREAM_PLACEHOLDER_FPS/);
  });
});
