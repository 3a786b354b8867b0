import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { imageSize } from 'image-size';
import { iou } from '../../src/recognition/box-geometry';
import type { BgrImage, Box } from '../../src/recognition/face.types';
import { InferenceClient } from '../../src/recognition/inference/inference.client';
import { PHOTO_UNDECODABLE, type PhotoAnalysis } from '../../src/recognition/inference/inference.protocol';

jest.setTimeout(180_000);

const TESTDATA = resolve(__dirname, '../../../shared/testdata');
const MODELS = resolve(__dirname, '../../models');
const read = (relative: string) => new Uint8Array(readFileSync(resolve(TESTDATA, relative)));

/**
 * The frame at `index` of a video, read with cv.VideoCapture in a child process. OpenCV
 * cannot run here: jest's module registry cannot load the addon, and the addon may only
 * ever be loaded by one thread per process (a second thread, even after the first has
 * exited, brings the process down), which the inference worker already is.
 * Reads sequentially: seeking H.264 is approximate.
 */
function videoFrame(file: string, index: number): BgrImage {
  const root = resolve(__dirname, '../..');
  const script = `
    const { cv } = require(${JSON.stringify(`${root}/src/common/opencv.ts`)});
    const capture = new cv.VideoCapture(${JSON.stringify(file)}, cv.CAP_FFMPEG);
    for (let i = 0; i < ${index}; i++) capture.read().release();
    const mat = capture.read();
    if (mat.empty) process.exit(2);
    const header = Buffer.alloc(8);
    header.writeUInt32LE(mat.cols, 0);
    header.writeUInt32LE(mat.rows, 4);
    process.stdout.write(Buffer.concat([header, mat.getData()]));
  `;
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) throw new Error(`reading frame ${index} of ${file} failed (${run.status}): ${run.stderr}`);
  const out = run.stdout;
  return { width: out.readUInt32LE(0), height: out.readUInt32LE(4), data: new Uint8Array(out.subarray(8)) };
}

function inside(box: Box, [x, y, w, h]: number[]): boolean {
  return box.x >= x && box.y >= y && box.x + box.width <= x + w && box.y + box.height <= y + h;
}

describe('inference worker: photos and frames (yunet-edgeface)', () => {
  const client = new InferenceClient({ engine: 'yunet-edgeface', modelsDir: MODELS, detectionWidth: 640, minScore: 0.6 });

  beforeAll(async () => {
    const info = await client.start();
    expect(info).toMatchObject({ engine: 'yunet-edgeface', embeddingSize: 512, detectsAround: true });
  });

  it.each(['bad/cmyk.jpg', 'bad/gray.jpg', 'bad/rgba.png', 'stills/grace_hopper_512x512.jpg'])('finds exactly one face in %s', async (file) => {
    const result = await client.analyzePhoto(read(file));
    expect(result.faces).toHaveLength(1);
    const [face] = result.faces;
    expect(face.embedding).toHaveLength(512);
    const norm = Math.hypot(...face.embedding);
    expect(norm).toBeCloseTo(1, 4);
    expect(face.box.height).toBeGreaterThan(60);
    // The thumbnail is a real 160x160 JPEG.
    expect(imageSize(face.thumbnailJpeg)).toMatchObject({ type: 'jpg', width: 160, height: 160 });
  });

  it('honours EXIF orientation: the rotated photo comes out upright', async () => {
    const result = await client.analyzePhoto(read('bad/rotated-exif.jpg'));
    expect(result.faces).toHaveLength(1);
    // YuNet regresses upright-looking landmarks even on a face lying on its side (checked), so
    // the box shape tells more: upright face boxes are taller than wide; turned 90°, wider.
    const { box } = result.faces[0];
    expect(box.height).toBeGreaterThan(box.width);
    const [rightEye, leftEye, nose, rightMouth, leftMouth] = result.faces[0].landmarks;
    const lowestEye = Math.max(rightEye[1], leftEye[1]);
    expect(lowestEye).toBeLessThan(nose[1]);
    expect(nose[1]).toBeLessThan(Math.min(rightMouth[1], leftMouth[1]));
    // Upright and not mirrored: the person's right eye is on the picture's left.
    expect(rightEye[0]).toBeLessThan(leftEye[0]);
  });

  it('finds no face in a landscape', async () => {
    expect((await client.analyzePhoto(read('bad/no-face.jpg'))).faces).toHaveLength(0);
    expect((await client.analyzePhoto(read('stills/640px-IceBlockNearJoekullsarlon.jpg'))).faces).toHaveLength(0);
  });

  it('finds no face of enrollable size in tiny-face.jpg', async () => {
    const result = await client.analyzePhoto(read('bad/tiny-face.jpg'));
    expect(result.faces.every((f) => f.box.height < 40)).toBe(true);
  });

  it('finds at least 20 faces in the Solvay 1927 group photo, largest first', async () => {
    const started = performance.now();
    const result = await client.analyzePhoto(read('stills/solvay1927.jpg'));
    console.log(`solvay1927 ${result.width}x${result.height}: ${result.faces.length} faces in ${(performance.now() - started).toFixed(0)} ms`);
    expect(result.faces.length).toBeGreaterThanOrEqual(20);
    const areas = result.faces.map((f) => f.box.width * f.box.height);
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
    for (const f of result.faces) expect(f.thumbnailJpeg.byteLength).toBeGreaterThan(500);
  });

  describe('refuses what it cannot decode, and keeps answering', () => {
    const realPng = read('bad/rgba.png');
    const cases: Array<[string, () => Uint8Array]> = [
      ['an empty buffer', () => new Uint8Array(0)],
      ['empty.jpg', () => read('bad/empty.jpg')],
      ['random-bytes.png', () => read('bad/random-bytes.png')],
      ['not-an-image.jpg', () => read('bad/not-an-image.jpg')],
      ['a truncated PNG', () => realPng.slice(0, Math.floor(realPng.byteLength / 2))],
      ['a 100000x100000 PNG bomb', () => read('bad/bomb-100000x100000.png')],
    ];
    it.each(cases)('rejects %s with PHOTO_UNDECODABLE', async (_name, bytes) => {
      await expect(client.analyzePhoto(bytes())).rejects.toMatchObject({ code: PHOTO_UNDECODABLE });
      const after: PhotoAnalysis = await client.analyzePhoto(read('stills/grace_hopper_512x512.jpg'));
      expect(after.faces).toHaveLength(1);
      expect(client.alive).toBe(true);
    });
  });

  it('finds the faces of a 720p video frame inside their ground-truth tiles', async () => {
    const truth = JSON.parse(readFileSync(resolve(TESTDATA, 'video/synth_720p.ground_truth.json'), 'utf8'));
    const index = 60;
    const expected: Array<{ identity: string; tile_box: number[] }> = truth.frames[index].faces;
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const frame = videoFrame(resolve(TESTDATA, 'video/synth_720p.mp4'), index);
    expect([frame.width, frame.height]).toEqual([1280, 720]);
    const { faces, detectMs } = await client.analyzeFrame(frame);
    expect(detectMs).toBeGreaterThan(0);
    for (const gt of expected) {
      const matches = faces.filter((f) => inside(f.box, gt.tile_box));
      expect({ identity: gt.identity, found: matches.length }).toEqual({ identity: gt.identity, found: 1 });
    }
    // Nothing detected outside the tiles (the street scene holds no faces).
    expect(faces).toHaveLength(expected.length);
    for (const f of faces) expect(f.embedding).toHaveLength(512);
  });

  it('finds tracked faces again near their boxes only (the check between recognitions)', async () => {
    const frame = videoFrame(resolve(TESTDATA, 'video/synth_720p.mp4'), 60);
    const { faces } = await client.detectFrame({ stream: "test", index: 60 }, frame);
    expect(faces.length).toBeGreaterThanOrEqual(2);
    // Boxes a little off, as a prediction would be: each face is found again, where it is.
    const predicted = faces.map((f) => ({ ...f.box, x: f.box.x + f.box.width * 0.15, y: f.box.y - f.box.height * 0.1 }));
    const around = await client.detectAround(frame, predicted);
    expect(around.faces).toHaveLength(faces.length);
    for (const f of faces) {
      const again = around.faces.find((g) => iou(g.box, f.box) > 0.6);
      expect(again).toBeDefined();
      expect(again!.landmarks).toHaveLength(5);
    }
    // Only one of the faces asked for: the other is not looked at.
    expect((await client.detectAround(frame, [predicted[0]])).faces).toHaveLength(1);
    // Where nobody is (the street), nothing; and no box at all costs nothing.
    expect((await client.detectAround(frame, [{ x: 40, y: 560, width: 120, height: 140 }])).faces).toEqual([]);
    expect((await client.detectAround(frame, [])).faces).toEqual([]);
  });
});
