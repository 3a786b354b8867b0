import { backoffDelay } from '../../src/camera/backoff';
import { DEMO_VIDEO, describeCameraSource, parseCameraSource } from '../../src/camera/camera-source';

describe('parseCameraSource', () => {
  const none = () => false;
  it('auto picks device 0 when it exists, else the demo video', () => {
    expect(parseCameraSource('auto', (p) => p === '/dev/video0')).toEqual({ kind: 'device', index: 0 });
    expect(parseCameraSource('auto', none)).toEqual({ kind: 'file', path: DEMO_VIDEO });
  });
  it('reads device indexes, URLs and file paths', () => {
    expect(parseCameraSource('2', none)).toEqual({ kind: 'device', index: 2 });
    expect(parseCameraSource('rtsp://cam.local/live', none)).toEqual({ kind: 'url', url: 'rtsp://cam.local/live' });
    expect(parseCameraSource('http://127.0.0.1:8080/video.mjpg', none).kind).toBe('url');
    expect(parseCameraSource('clips/a.mp4', none, '/srv')).toEqual({ kind: 'file', path: '/srv/clips/a.mp4' });
    expect(parseCameraSource('file:///tmp/a%20b.mp4', none)).toEqual({ kind: 'file', path: '/tmp/a b.mp4' });
  });
  it('never prints URL credentials', () => {
    expect(describeCameraSource({ kind: 'url', url: 'rtsp://admin:secret@cam/live' })).toBe('url rtsp://***@cam/live');
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, 500, 4000))).toEqual([0, 500, 1000, 2000, 4000, 4000]);
  });
});
