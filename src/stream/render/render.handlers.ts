/**
 * Drawing and JPEG encoding, served from the vision thread (the one thread that owns
 * OpenCV), so per-frame pixel work never runs on the main thread.
 */
import { cv, Mat } from '../../common/opencv';
import type { BgrImage } from '../../recognition/face.types';
import { clampBox, KNOWN_COLOR, labelPlacement, OverlayItem, Rgb, textStyle, UNKNOWN_COLOR } from '../overlay';
import type { RenderApi, RenderResult } from './render.protocol';

const FONT = cv.FONT_HERSHEY_SIMPLEX;
const WHITE = new cv.Vec3(255, 255, 255);
const bgr = ([r, g, b]: Rgb) => new cv.Vec3(b, g, r);

function drawOverlay(mat: Mat, overlay: OverlayItem[]): void {
  const frame = { width: mat.cols, height: mat.rows };
  const style = textStyle(mat.rows);
  for (const item of overlay) {
    const box = clampBox(item.box, frame.width, frame.height);
    if (!box) continue;
    const color = bgr(item.known ? KNOWN_COLOR : UNKNOWN_COLOR);
    mat.drawRectangle(new cv.Rect(box.x, box.y, box.width, box.height), color, style.boxThickness, cv.LINE_8);
    const { size, baseLine } = cv.getTextSize(item.label, FONT, style.scale, style.thickness);
    const place = labelPlacement(box, { width: size.width, height: size.height, baseline: baseLine }, frame);
    const bg = place.background;
    mat.drawRectangle(new cv.Rect(bg.x, bg.y, bg.width, bg.height), color, -1, cv.LINE_8);
    mat.putText(item.label, new cv.Point2(place.textOrigin[0], place.textOrigin[1]), FONT, style.scale, WHITE, style.thickness, cv.LINE_AA);
  }
}

export const renderHandlers: RenderApi = {
  async render(image: BgrImage, overlay: OverlayItem[], jpegQuality: number): Promise<RenderResult> {
    const expected = image.width * image.height * 3;
    // A short buffer would make OpenCV read past its end (segfault): refuse it here.
    if (image.data.byteLength !== expected) throw new Error(`frame has ${image.data.byteLength} bytes, expected ${expected}`);
    const mat = new cv.Mat(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.height, image.width, cv.CV_8UC3);
    try {
      const started = performance.now();
      drawOverlay(mat, overlay);
      const drawn = performance.now();
      const encoded = cv.imencode('.jpg', mat, [cv.IMWRITE_JPEG_QUALITY, jpegQuality]);
      const jpeg = new Uint8Array(encoded.byteLength); // own, transferable buffer
      jpeg.set(encoded);
      return { jpeg, drawMs: drawn - started, encodeMs: performance.now() - drawn };
    } finally {
      mat.release();
    }
  },
};

/** Results whose buffers can be moved, not copied, back to the main thread. */
export function renderTransferables(result: unknown): Transferable[] {
  const jpeg = (result as Partial<RenderResult> | undefined)?.jpeg;
  return jpeg instanceof Uint8Array ? [jpeg.buffer as ArrayBuffer] : [];
}
