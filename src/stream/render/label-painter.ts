/**
 * Puts a face's label (a strip in the box colour with the name in white) on a frame. Lives in
 * the vision thread, next to the frame it draws on. With the font rasteriser each label is
 * rendered once and kept as a small BGR patch, so a frame costs a copy per label; the Hershey
 * painter (OpenCV's built-in ASCII font, the way labels were drawn before) remains for when
 * the rasteriser is unavailable.
 */
import { cv, Mat } from '../../common/opencv';
import type { Box } from '../../recognition/face.types';
import { labelPlacement, Rgb, textStyle } from '../overlay';
import { LABEL_CACHE_SIZE, labelCacheKey, labelFontPx, labelPaste, LabelSpec } from './label-layout';
import { LabelRasterizer } from './label-rasterizer';
import { LruCache } from './lru-cache';

export interface LabelPainter {
  readonly kind: 'font' | 'hershey';
  /** Draws `text` on a strip of colour `background` above `box` (already clamped to the frame). */
  paint(mat: Mat, box: Box, text: string, background: Rgb): void;
  /** Frees the native memory it holds. */
  dispose(): void;
}

const bgr = ([r, g, b]: Rgb) => new cv.Vec3(b, g, r);
const cvRect = (box: Box) => new cv.Rect(box.x, box.y, box.width, box.height);

/** Labels rasterised once by Skia, cached as BGR patches (least recently used dropped). */
export class FontLabelPainter implements LabelPainter {
  readonly kind = 'font';
  private readonly patches: LruCache<string, Mat>;
  rasterized = 0;

  constructor(
    private readonly rasterizer: LabelRasterizer,
    cacheSize = LABEL_CACHE_SIZE,
  ) {
    this.patches = new LruCache<string, Mat>(cacheSize, (patch) => patch.release());
  }

  get cached(): number {
    return this.patches.size;
  }

  paint(mat: Mat, box: Box, text: string, background: Rgb): void {
    const spec: LabelSpec = { text, fontPx: labelFontPx(mat.rows), background };
    const patch = this.patches.getOrCreate(labelCacheKey(spec), () => this.rasterize(spec));
    const paste = labelPaste(box, { width: patch.cols, height: patch.rows }, { width: mat.cols, height: mat.rows });
    if (!paste) return;
    // The strip is opaque (box colour under the text), so pasting is a plain copy into the frame.
    const source = patch.getRegion(cvRect(paste.source));
    const target = mat.getRegion(cvRect(paste.target));
    try {
      source.copyTo(target);
    } finally {
      target.release();
      source.release();
    }
  }

  dispose(): void {
    this.patches.clear();
  }

  private rasterize(spec: LabelSpec): Mat {
    const { width, height, rgba } = this.rasterizer.render(spec);
    this.rasterized++;
    const pixels = new cv.Mat(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), height, width, cv.CV_8UC4);
    try {
      return pixels.cvtColor(cv.COLOR_RGBA2BGR);
    } finally {
      pixels.release();
    }
  }
}

const HERSHEY = cv.FONT_HERSHEY_SIMPLEX;
const WHITE = new cv.Vec3(255, 255, 255);
/** Bidi controls are invisible in a real font but would be drawn as '?' by Hershey. */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** OpenCV's Hershey font: ASCII only (other characters come out as '?'), drawn on every frame. */
export class HersheyLabelPainter implements LabelPainter {
  readonly kind = 'hershey';

  paint(mat: Mat, box: Box, text: string, background: Rgb): void {
    const label = text.replace(BIDI_CONTROLS, '');
    const style = textStyle(mat.rows);
    const { size, baseLine } = cv.getTextSize(label, HERSHEY, style.scale, style.thickness);
    const place = labelPlacement(box, { width: size.width, height: size.height, baseline: baseLine }, { width: mat.cols, height: mat.rows });
    mat.drawRectangle(cvRect(place.background), bgr(background), -1, cv.LINE_8);
    mat.putText(label, new cv.Point2(place.textOrigin[0], place.textOrigin[1]), HERSHEY, style.scale, WHITE, style.thickness, cv.LINE_AA);
  }

  dispose(): void {}
}

/** The font painter when the rasteriser can run here, else Hershey; `log` hears why, once. */
export function createLabelPainter(log: (message: string) => void, fontsDir?: string): LabelPainter {
  const rasterizer = LabelRasterizer.create(log, fontsDir);
  return rasterizer ? new FontLabelPainter(rasterizer) : new HersheyLabelPainter();
}
