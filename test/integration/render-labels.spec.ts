import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { decode } from 'jpeg-js';
import { configureApp } from '../../src/app.setup';
import { AuthModule } from '../../src/auth/auth.module';
import type { Frame } from '../../src/camera/frame';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { PeopleModule } from '../../src/people/people.module';
import type { Box } from '../../src/recognition/face.types';
import { RecognitionModule } from '../../src/recognition/recognition.module';
import { CameraRecognition, RecognitionService } from '../../src/recognition/recognition.service';
import { faceLabel, KNOWN_COLOR, OverlayItem, UNKNOWN_COLOR } from '../../src/stream/overlay';
import type { RecognitionStage } from '../../src/stream/pipeline/recognition-stage';
import { RenderStage } from '../../src/stream/pipeline/render-stage';
import { labelFontPx } from '../../src/stream/render/label-layout';
import { RenderClient } from '../../src/stream/render/render.client';
import type { StreamStats } from '../../src/stream/stream.types';
import type { TrackView } from '../../src/tracking';
import { cropRgba, drawCharByChar, meanAbsDiff, referenceLabel, registerReferenceFonts, RgbImage, textWidth } from '../support/label-reference';
import { TESTDATA } from '../support/paths';

jest.setTimeout(120_000);

const WIDTH = 1280;
const HEIGHT = 720;
const FONT_PX = labelFontPx(HEIGHT);
/**
 * Mean brightness difference (0-255) between a drawn label and its reference: the same text
 * measured 1.4-1.7 (JPEG at quality 100), another text or order 10-19.
 */
const SAME = 3;
const DIFFERENT = 8;

const greyFrame = () => ({ width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT * 3).fill(110) });
const boxAt = (x: number): Box => ({ x, y: 200, width: 200, height: 220 });

/** The label strip drawn above `box` (same size as `reference`), cut out of the frame. */
function drawnLabel(jpeg: Buffer, box: Box, reference: RgbImage): RgbImage {
  const { width, data } = decode(jpeg, { useTArray: true, formatAsRGBA: true });
  return cropRgba(data, width, box.x, box.y - reference.height, reference.width, reference.height);
}

/** How many pixels of the strip's colour run right from the box's left edge, just above it. */
function stripWidth(jpeg: Buffer, box: Box, colour: readonly number[]): number {
  const { width, data } = decode(jpeg, { useTArray: true, formatAsRGBA: true });
  const y = box.y - 2; // the bottom padding: no glyphs there
  let x = box.x;
  while (x < width && [0, 1, 2].every((c) => Math.abs(data[(y * width + x) * 4 + c] - colour[c]) < 20)) x++;
  return x - box.x;
}

beforeAll(() => registerReferenceFonts());

describe('face labels drawn in the vision thread (real font)', () => {
  const renderer = new RenderClient(100);

  it('draws accented Latin and CJK names as written, matching a reference rendering', async () => {
    const names = ['Zoë Ångström', '李雷 (Li Lei)', 'Ζωή Дмитрий'];
    const overlay: OverlayItem[] = names.map((name, i) => ({ box: boxAt(40 + i * 400), label: faceLabel(name, 87), known: true }));
    const { jpeg } = await renderer.render(greyFrame(), overlay);
    for (const item of overlay) {
      const expected = referenceLabel(item.label, FONT_PX, KNOWN_COLOR);
      const drawn = drawnLabel(jpeg, item.box, expected);
      expect(meanAbsDiff(drawn, expected)).toBeLessThan(SAME);
      expect(Math.abs(stripWidth(jpeg, item.box, KNOWN_COLOR) - expected.width)).toBeLessThanOrEqual(1);
      // What OpenCV's ASCII font made of it: one '?' per UTF-8 byte outside ASCII.
      const hersheyText = item.label.replace(/[^\x00-\x7f]/g, (char) => '?'.repeat(Buffer.byteLength(char)));
      const asQuestionMarks = referenceLabel(hersheyText, FONT_PX, KNOWN_COLOR);
      expect(meanAbsDiff(drawn, asQuestionMarks)).toBeGreaterThan(DIFFERENT);
    }
  });

  it('draws a Hebrew name right to left, its first letter rightmost, and the percentage after it on the right', async () => {
    const name = 'שרה כהן';
    const item: OverlayItem = { box: boxAt(100), label: faceLabel(name, 80), known: true };
    const { jpeg } = await renderer.render(greyFrame(), [item]);
    // Built letter by letter (not by the bidi algorithm): each letter at its own advance.
    const byLetters = (direction: 'rtl' | 'ltr') =>
      referenceLabel(item.label, FONT_PX, KNOWN_COLOR, (ctx, x, baseline) => {
        drawCharByChar(name, direction)(ctx, x, baseline);
        ctx.fillText(' 80%', x + textWidth(name, FONT_PX), baseline);
      });
    const rightToLeft = byLetters('rtl');
    const drawn = drawnLabel(jpeg, item.box, rightToLeft);
    const wrongOrder = meanAbsDiff(drawn, byLetters('ltr'));
    expect(meanAbsDiff(drawn, rightToLeft)).toBeLessThan(SAME);
    expect(wrongOrder).toBeGreaterThan(DIFFERENT);
  });

  it('draws an Arabic name joined and right to left, as the bidi reference does, not in typing order', async () => {
    const item: OverlayItem = { box: boxAt(100), label: faceLabel('دانيال', 75), known: false };
    const { jpeg } = await renderer.render(greyFrame(), [item]);
    const expected = referenceLabel(item.label, FONT_PX, UNKNOWN_COLOR);
    // U+202D forces left-to-right: the letters in the order they were typed.
    const typingOrder = referenceLabel(`\u202d${'دانيال'}\u202c 75%`, FONT_PX, UNKNOWN_COLOR);
    const drawn = drawnLabel(jpeg, item.box, expected);
    expect(meanAbsDiff(drawn, expected)).toBeLessThan(SAME);
    expect(meanAbsDiff(drawn, typingOrder)).toBeGreaterThan(DIFFERENT);
    // The percentage is at the right end of the strip, where it is for every other name.
    const percent = referenceLabel('75%', FONT_PX, UNKNOWN_COLOR);
    const { width, data } = decode(jpeg, { useTArray: true, formatAsRGBA: true });
    const rightEnd = cropRgba(data, width, item.box.x + expected.width - percent.width, item.box.y - expected.height, percent.width, percent.height);
    expect(meanAbsDiff(rightEnd, percent)).toBeLessThan(SAME);
  });

  it('draws a cached label exactly as it drew it the first time', async () => {
    const overlay: OverlayItem[] = [0, 1, 2].map((i) => ({ box: boxAt(40 + i * 400), label: faceLabel(`김지우 Kim Ji-woo ${i}`, 90), known: i !== 1 }));
    const first = await renderer.render(greyFrame(), overlay);
    const again = await renderer.render(greyFrame(), overlay);
    expect(again.jpeg.equals(first.jpeg)).toBe(true);
  });
});

describe('render stage: a person enrolled over the API under a non-ASCII name', () => {
  const ADMIN_KEY = 'render-labels-test-key-0123456789';
  let root: string;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'render-labels-'));
    mkdirSync(join(root, 'faces'));
    const env = { DATA_DIR: join(root, 'data'), FACES_DIR: join(root, 'faces'), ADMIN_API_KEY: ADMIN_KEY, PUBLIC_READS: 'true' };
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }), DatabaseModule, AuthModule, RecognitionModule, PeopleModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('draws the name as enrolled on the stream frame', async () => {
    const form = new FormData();
    form.append('name', '李雷 (Li Lei)');
    form.append('image', new Blob([readFileSync(join(TESTDATA, 'stills/grace_hopper_512x512.jpg'))]), 'photo.jpg');
    const response = await fetch(`${url}/people`, { method: 'POST', body: form, headers: { 'x-api-key': ADMIN_KEY } });
    expect(response.status).toBe(201);
    const person = (await response.json()) as { id: number; name: string };
    expect(person.name).toBe('李雷 (Li Lei)');

    const box = boxAt(300);
    const view: TrackView = { trackId: 1, box, name: person.name, personId: person.id, confidence: 91, similarity: 0.6, status: 'named', lost: false, lastSeen: 7 };
    const recognizer = { tracker: { boxesAt: () => [view] }, settled: async () => undefined } as unknown as RecognitionStage;
    const stats = { framesEncoded: 0, outputDropped: 0 } as StreamStats;
    const camera = { camera: 'door' } as CameraRecognition;
    const stage = new RenderStage(camera, { confirmTracks: false, jpegQuality: 100, overlayWaitMs: 0, privacy: 'off' }, app.get(RecognitionService), recognizer, new RenderClient(100), stats, new Logger('test'));
    const frame: Frame = { index: 7, position: 7, capturedAt: Date.now(), readMs: 0, image: greyFrame(), release: () => undefined };

    const annotated = await stage.annotate(frame, false);
    expect(annotated?.faces.map((face) => face.name)).toEqual(['李雷 (Li Lei)']);
    expect(stats.framesEncoded).toBe(1);
    const expected = referenceLabel('李雷 (Li Lei) 91%', FONT_PX, KNOWN_COLOR);
    const drawn = drawnLabel(annotated!.jpeg, box, expected);
    expect(meanAbsDiff(drawn, expected)).toBeLessThan(SAME);
    expect(meanAbsDiff(drawn, referenceLabel('?????? (Li Lei) 91%', FONT_PX, KNOWN_COLOR))).toBeGreaterThan(DIFFERENT);
  });
});
