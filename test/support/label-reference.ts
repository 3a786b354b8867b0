/**
 * Reference renderings of face labels, made in the test process straight with @napi-rs/canvas
 * and the Debian Noto files (not through the server's label code), to compare drawn frames with.
 */
import { createCanvas, GlobalFonts, SKRSContext2D } from '@napi-rs/canvas';
import type { Rgb } from '../../src/stream/overlay';

const NOTO = [
  ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', 'Noto Sans'],
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK JP'],
  ['/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf', 'Noto Sans Arabic'],
  ['/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf', 'Noto Sans Hebrew'],
] as const;
const PADDING = 4;

export function registerReferenceFonts(): void {
  for (const [path] of NOTO) GlobalFonts.registerFromPath(path);
}

const font = (px: number) => `${px}px ${NOTO.map(([, family]) => `"${family}"`).join(', ')}`;

/** A packed RGB image. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Advance width of `text` at `px`. */
export function textWidth(text: string, px: number): number {
  const ctx = createCanvas(1, 1).getContext('2d');
  ctx.font = font(px);
  return ctx.measureText(text).width;
}

/**
 * A label strip: `background`, 4 px of padding, a line as high as the font's, white text drawn
 * by `draw` (default: `text` in one fillText) starting at the padding, on the baseline.
 */
export function referenceLabel(text: string, px: number, background: Rgb, draw?: (ctx: SKRSContext2D, x: number, baseline: number) => void): RgbImage {
  const measuring = createCanvas(1, 1).getContext('2d');
  measuring.font = font(px);
  const m = measuring.measureText(text);
  const ascent = Math.ceil(Math.max(m.fontBoundingBoxAscent, m.actualBoundingBoxAscent));
  const descent = Math.ceil(Math.max(m.fontBoundingBoxDescent, m.actualBoundingBoxDescent));
  const width = Math.ceil(Math.max(m.width, m.actualBoundingBoxRight)) + PADDING * 2;
  const height = ascent + descent + PADDING * 2;
  const ctx = createCanvas(width, height).getContext('2d');
  ctx.fillStyle = `rgb(${background.join(',')})`;
  ctx.fillRect(0, 0, width, height);
  ctx.font = font(px);
  ctx.fillStyle = '#ffffff';
  if (draw) draw(ctx, PADDING, PADDING + ascent);
  else ctx.fillText(text, PADDING, PADDING + ascent);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) data.set([rgba[i], rgba[i + 1], rgba[i + 2]], j);
  return { width, height, data };
}

/** Draws `text` one character at a time, each at its own advance, right to left or left to right. */
export function drawCharByChar(text: string, direction: 'rtl' | 'ltr'): (ctx: SKRSContext2D, x: number, baseline: number) => void {
  return (ctx, x, baseline) => {
    const chars = [...text];
    const advances = chars.map((char) => ctx.measureText(char).width);
    const total = advances.reduce((a, b) => a + b, 0);
    let pen = direction === 'rtl' ? x + total : x;
    chars.forEach((char, i) => {
      if (direction === 'rtl') pen -= advances[i];
      ctx.fillText(char, pen, baseline);
      if (direction === 'ltr') pen += advances[i];
    });
  };
}

/** A rectangle of a decoded RGBA image (jpeg-js), as RGB. */
export function cropRgba(rgba: Uint8Array, imageWidth: number, x: number, y: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const from = ((y + row) * imageWidth + x + col) * 4;
      data.set([rgba[from], rgba[from + 1], rgba[from + 2]], (row * width + col) * 3);
    }
  }
  return { width, height, data };
}

/**
 * Mean absolute difference of brightness (0-255) over the area both images cover, from their
 * top-left. Brightness only: JPEG keeps colour at half resolution, so white-on-green edges
 * differ in colour even when the text is the same.
 */
export function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  const luma = (image: RgbImage, row: number, col: number) => {
    const i = (row * image.width + col) * 3;
    return 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2];
  };
  let sum = 0;
  for (let row = 0; row < height; row++) for (let col = 0; col < width; col++) sum += Math.abs(luma(a, row, col) - luma(b, row, col));
  return sum / (width * height);
}
