import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { MjpegViewer } from '../../src/stream/mjpeg';
import { offlineReason, placeholderDue, placeholderLines } from '../../src/stream/placeholder-schedule';

describe('placeholder schedule', () => {
  const policy = { intervalMs: 500, offlineAfterMs: 2000 };
  const clock = { now: 10_000, cameraState: 'live' as const, startedAt: 0, lastFrameAt: 9_990 };

  it('is not offline while frames arrive', () => {
    expect(offlineReason(clock, policy)).toBeUndefined();
    expect(offlineReason({ ...clock, now: 11_989 }, policy)).toBeUndefined();
  });

  it('is offline at once when the camera is reconnecting, and after offlineAfterMs without a frame otherwise', () => {
    expect(offlineReason({ ...clock, cameraState: 'reconnecting' }, policy)).toBe('camera-down');
    expect(offlineReason({ ...clock, now: 11_990 }, policy)).toBe('no-signal');
    // Connecting at start: counted from the start.
    expect(offlineReason({ now: 1999, cameraState: 'connecting', startedAt: 0 }, policy)).toBeUndefined();
    expect(offlineReason({ now: 2000, cameraState: 'connecting', startedAt: 0 }, policy)).toBe('no-signal');
  });

  it('is never offline for a finished file, a stopped or not started camera', () => {
    for (const cameraState of ['ended', 'stopped', 'idle'] as const) expect(offlineReason({ ...clock, now: 1e9, cameraState }, policy)).toBeUndefined();
  });

  it('sends one image per interval while offline', () => {
    const down = { ...clock, cameraState: 'reconnecting' as const };
    expect(placeholderDue(down, policy)).toBe('camera-down');
    expect(placeholderDue({ ...down, lastPlaceholderAt: 9600 }, policy)).toBeUndefined();
    expect(placeholderDue({ ...down, lastPlaceholderAt: 9500 }, policy)).toBe('camera-down');
    expect(placeholderDue({ ...clock, lastPlaceholderAt: 0 }, policy)).toBeUndefined();
  });

  it('says what is going on', () => {
    expect(placeholderLines('camera-down', 12_345)).toEqual(['CAMERA OFFLINE - reconnecting', 'no picture for 12 s']);
    expect(placeholderLines('no-signal', 2500)[0]).toMatch(/NO SIGNAL/);
  });
});

describe('MjpegViewer drop policy (on a real stream with a small buffer)', () => {
  /** A socket-like writable that only drains when told to. */
  function slowSink() {
    const pending: Array<() => void> = [];
    let bytes = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        pending.push(done);
      },
    });
    return { sink, drainAll: () => pending.splice(0).forEach((done) => done()), bytes: () => bytes, buffered: () => sink.writableLength };
  }

  it('writes a frame, skips frames while the socket is full, and resumes after it drains', async () => {
    const { sink, drainAll, buffered } = slowSink();
    const outcomes: boolean[] = [];
    const viewer = new MjpegViewer(sink as unknown as ServerResponse, (sent) => outcomes.push(sent));
    const jpeg = Buffer.alloc(4000, 1);
    expect(viewer.offer(jpeg)).toBe(true); // over the high-water mark: the viewer is now draining
    for (let i = 0; i < 50; i++) expect(viewer.offer(jpeg)).toBe(false);
    // Memory held for this viewer stays at one frame, however many were offered.
    expect(buffered()).toBeLessThan(2 * jpeg.length);
    expect(viewer).toMatchObject({ sent: 1, skipped: 50 });
    // The client reads again: the socket empties and emits 'drain'.
    for (let i = 0; i < 10 && buffered() > 0; i++) {
      drainAll();
      await new Promise((r) => setImmediate(r));
    }
    expect(buffered()).toBe(0);
    expect(viewer.offer(jpeg, true)).toBe(true);
    expect(outcomes.filter(Boolean)).toHaveLength(2);
    expect(outcomes.filter((o) => !o)).toHaveLength(50);
  });

  it('marks offline images in the part header', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    const viewer = new MjpegViewer(sink as unknown as ServerResponse);
    viewer.offer(Buffer.from('a'));
    viewer.offer(Buffer.from('b'), true);
    await new Promise((r) => setImmediate(r)); // parts are corked until the next tick
    const text = Buffer.concat(chunks).toString('latin1');
    expect(text).toMatch(/Content-Length: 1\r\nX-Camera-State: live\r\n\r\na\r\n--frame/);
    expect(text).toMatch(/X-Camera-State: offline\r\n\r\nb\r\n$/);
  });
});
