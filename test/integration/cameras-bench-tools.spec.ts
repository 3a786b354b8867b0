import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCrowdClip } from '../../src/bench/crowd-clip';
import { measureDecode, measureEncode, measureFloor } from '../../src/bench/floor';
import { DEMO_VIDEO, TESTDATA } from '../support/paths';

/**
 * The many-cameras bench's own tools, for real: the floor (ffmpeg decode + OpenCV JPEG encode in
 * a child process: OpenCV never loads in this jest worker) and the crowd clip built with ffmpeg.
 */
jest.setTimeout(120_000);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cameras-bench-tools-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function probe(file: string): { width: number; height: number; avg_frame_rate: string; nb_read_frames: string; codec_name: string } {
  const out = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,avg_frame_rate,nb_read_frames', '-of', 'json', file], { encoding: 'utf8' });
  expect(out.status).toBe(0);
  return JSON.parse(out.stdout).streams[0];
}

describe('floor', () => {
  it('measures a single-thread decode: every frame, CPU time within what one thread can spend', async () => {
    const started = performance.now();
    const decode = await measureDecode(DEMO_VIDEO);
    const wall = (performance.now() - started) / 1000;
    expect(decode.frames).toBe(250);
    expect(decode.cpuSeconds).toBeGreaterThan(0);
    expect(decode.cpuSeconds).toBeLessThan(wall * 1.5);
  });

  it('measures the JPEG encode of every frame in a child process', async () => {
    const encode = await measureEncode(DEMO_VIDEO, 1280, 720, 2);
    expect(encode.frames).toBe(50);
    expect(encode.cpuSeconds).toBeGreaterThan(0);
    // 720p at quality 80: ~1–20 ms per frame on any machine; the camera's JPEGs are ~140 KB
    expect(encode.cpuSeconds / encode.frames).toBeLessThan(0.05);
    expect(encode.meanJpegBytes).toBeGreaterThan(50_000);
    expect(encode.meanJpegBytes).toBeLessThan(400_000);
  });

  it('puts both against real time for the labelled recording', async () => {
    const floor = await measureFloor(join(TESTDATA, 'video', 'synth_720p.mp4'));
    expect(floor).toMatchObject({ frames: 250, fps: 25, width: 1280, height: 720 });
    expect(floor.decodeCpuSeconds).toBeGreaterThan(0);
    expect(floor.encodeCpuSeconds).toBeGreaterThan(0);
    expect(floor.coresAtRealTime).toBeCloseTo((floor.decodeCpuSeconds + floor.encodeCpuSeconds) / 10, 6);
    // decode + encode of one 720p camera fits in one core at 25 fps
    expect(floor.coresAtRealTime).toBeGreaterThan(0);
    expect(floor.coresAtRealTime).toBeLessThan(1);
  });

  it('fails clearly on a file that is not a video', async () => {
    await expect(measureFloor(join(TESTDATA, 'bad', 'not-an-image.jpg'))).rejects.toThrow();
  });
});

describe('crowd clip', () => {
  it('is 1920x1080 H.264 at 25 fps with the frames asked for', async () => {
    const file = join(dir, 'crowd.mp4');
    await makeCrowdClip(file, 2);
    const stream = probe(file);
    expect(stream).toMatchObject({ codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '25/1', nb_read_frames: '50' });
  });
});
