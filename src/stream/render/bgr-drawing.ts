/**
 * Drawing on packed BGR frames in plain TypeScript (no OpenCV): box outlines and pasting label
 * patches are row writes, so they can run in a thread of their own instead of queueing behind
 * inference in the one thread that owns OpenCV. Pure: unit-tested on small buffers.
 */
import type { BgrImage, Box } from '../../recognition/face.types';
import type { Rgb } from '../overlay';
import type { PatchPaste } from './label-layout';

/** A filled rectangle, clipped to the image. */
export function fillRect(image: BgrImage, x: number, y: number, width: number, height: number, [r, g, b]: Rgb): void {
  const x1 = Math.max(0, Math.floor(x));
  const y1 = Math.max(0, Math.floor(y));
  const x2 = Math.min(image.width, Math.floor(x + width));
  const y2 = Math.min(image.height, Math.floor(y + height));
  if (x2 <= x1 || y2 <= y1) return;
  const rowBytes = (x2 - x1) * 3;
  // One row filled pixel by pixel, then copied to the others.
  const first = (y1 * image.width + x1) * 3;
  for (let i = first; i < first + rowBytes; i += 3) {
    image.data[i] = b;
    image.data[i + 1] = g;
    image.data[i + 2] = r;
  }
  for (let row = y1 + 1; row < y2; row++) image.data.copyWithin((row * image.width + x1) * 3, first, first + rowBytes);
}

/**
 * A box's outline `thickness` px wide, centred on its edges like OpenCV's rectangle (its far
 * edges at x + width - 1 and y + height - 1).
 */
export function strokeBox(image: BgrImage, box: Box, color: Rgb, thickness: number): void {
  const half = Math.floor(thickness / 2);
  const span = half * 2 + 1;
  const left = box.x - half;
  const top = box.y - half;
  const right = box.x + box.width - 1 - half;
  const bottom = box.y + box.height - 1 - half;
  const outerWidth = right - left + span;
  const outerHeight = bottom - top + span;
  fillRect(image, left, top, outerWidth, span, color);
  fillRect(image, left, bottom, outerWidth, span, color);
  fillRect(image, left, top, span, outerHeight, color);
  fillRect(image, right, top, span, outerHeight, color);
}

/** An RGBA raster (a rendered label) as an opaque BGR patch. */
export function bgrPatchOf(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): BgrImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i + 2];
    data[j + 1] = rgba[i + 1];
    data[j + 2] = rgba[i];
  }
  return { width, height, data };
}

/** Copies `paste.source` of the patch onto `paste.target` of the image (same size; labelPaste keeps both inside). */
export function pastePatch(image: BgrImage, patch: BgrImage, { source, target }: PatchPaste): void {
  const rowBytes = source.width * 3;
  for (let row = 0; row < source.height; row++) {
    const from = ((source.y + row) * patch.width + source.x) * 3;
    image.data.set(patch.data.subarray(from, from + rowBytes), ((target.y + row) * image.width + target.x) * 3);
  }
}
