/**
 * Drawing, served from the vision thread (the one thread that owns OpenCV), so per-frame pixel
 * work never runs on the main thread; live frames are encoded beside it (JpegEncoder), the
 * offline image here.
 */
import { cv, Mat } from '../../common/opencv';
import { createAppLogger } from '../../logging/log-format';
import type { BgrImage, Box } from '../../recognition/face.types';
import { BLURRED_FACE_PX } from '../privacy';
import type { PrivacyZone } from '../privacy-zones';
import { clampBox, KNOWN_COLOR, OverlayItem, Rgb, textStyle, UNKNOWN_COLOR } from '../overlay';
import { createLabelPainter, LabelPainter } from './label-painter';
import type { DrawResult, RenderApi, RenderResult } from './render.protocol';

const FONT = cv.FONT_HERSHEY_SIMPLEX;
const WHITE = new cv.Vec3(255, 255, 255);
const bgr = ([r, g, b]: Rgb) => new cv.Vec3(b, g, r);

// Made on first use, in the thread that draws (fonts registered, missing ones logged once).
let labelPainter: LabelPainter | undefined;
function labels(): LabelPainter {
  if (!labelPainter) {
    const logger = createAppLogger();
    labelPainter = createLabelPainter((message) => logger.warn(message, 'Labels'));
  }
  return labelPainter;
}

/** Boxes in green (known) or red (unknown), each with its label above it. */
export function drawOverlay(mat: Mat, overlay: OverlayItem[], painter: LabelPainter = labels()): void {
  const frame = { width: mat.cols, height: mat.rows };
  const style = textStyle(mat.rows);
  for (const item of overlay) {
    const box = clampBox(item.box, frame.width, frame.height);
    if (!box) continue;
    const color = item.known ? KNOWN_COLOR : UNKNOWN_COLOR;
    mat.drawRectangle(new cv.Rect(box.x, box.y, box.width, box.height), bgr(color), style.boxThickness, cv.LINE_8);
    painter.paint(mat, box, item.label, color);
  }
}

/**
 * Blurs the regions in place, strongly: the frame is shrunk until the largest region is
 * `BLURRED_FACE_PX` wide (a face that small cannot be recognised), grown back smoothly and
 * copied into the frame through a mask of the regions: ~2.5 ms at 720p whatever the blur's
 * strength (a box filter that wide took 26 ms). copyTo writes into the frame
 * itself; a copy into a region header would not reach it.
 */
function blurRegions(mat: Mat, regions: Box[]): void {
  const boxes = regions.map((region) => clampBox(region, mat.cols, mat.rows)).filter((box): box is Box => box !== null);
  if (boxes.length === 0) return;
  const largest = Math.max(...boxes.map((box) => Math.max(box.width, box.height)));
  const factor = Math.max(2, largest / BLURRED_FACE_PX);
  const mats: Mat[] = [];
  const track = (m: Mat) => (mats.push(m), m);
  try {
    // Linear sampling, not area averaging: 0.02 ms against 2.5 ms, and the face is gone either way.
    const small = track(mat.resize(Math.max(1, Math.round(mat.rows / factor)), Math.max(1, Math.round(mat.cols / factor)), 0, 0, cv.INTER_LINEAR));
    const smooth = track(small.resize(mat.rows, mat.cols, 0, 0, cv.INTER_LINEAR));
    // From a zeroed buffer: the binding's fill-value constructor takes 16 ms at 720p.
    const mask = track(new cv.Mat(Buffer.alloc(mat.rows * mat.cols), mat.rows, mat.cols, cv.CV_8UC1));
    for (const box of boxes) mask.drawRectangle(new cv.Rect(box.x, box.y, box.width, box.height), new cv.Vec3(255, 255, 255), -1, cv.LINE_8);
    smooth.copyTo(mat, mask);
  } finally {
    for (const m of mats) m.release();
  }
}

/** The offline image: the last picture darkened, or a plain card, with the text centred on a band. */
function drawPlaceholder(mat: Mat, lines: string[]): void {
  const scale = Math.max(0.5, Math.min(2.5, mat.cols / 900));
  const thickness = Math.max(1, Math.round(scale * 2));
  const sizes = lines.map((line, i) => cv.getTextSize(line, FONT, i === 0 ? scale : scale * 0.7, thickness));
  const lineGap = Math.round(18 * scale);
  const blockHeight = sizes.reduce((sum, s) => sum + s.size.height + s.baseLine, 0) + lineGap * (lines.length - 1);
  let y = Math.max(0, Math.round((mat.rows - blockHeight) / 2));
  const band = Math.round(24 * scale);
  mat.drawRectangle(new cv.Rect(0, Math.max(0, y - band), mat.cols, Math.min(mat.rows - Math.max(0, y - band), blockHeight + band * 2)), new cv.Vec3(25, 25, 25), -1, cv.LINE_8);
  lines.forEach((line, i) => {
    const { size, baseLine } = sizes[i];
    y += size.height;
    const x = Math.max(0, Math.round((mat.cols - size.width) / 2));
    const color = i === 0 ? new cv.Vec3(80, 180, 255) : WHITE;
    mat.putText(line, new cv.Point2(x, y), FONT, i === 0 ? scale : scale * 0.7, color, thickness, cv.LINE_AA);
    y += baseLine + lineGap;
  });
}

function encodeJpeg(mat: Mat, jpegQuality: number): Uint8Array {
  const encoded = cv.imencode('.jpg', mat, [cv.IMWRITE_JPEG_QUALITY, jpegQuality]);
  const jpeg = new Uint8Array(encoded.byteLength); // own, transferable buffer
  jpeg.set(encoded);
  return jpeg;
}

export const renderHandlers: RenderApi = {
  async draw(image: BgrImage, overlay: OverlayItem[], hidden: Box[] = [], masked: PrivacyZone[] = []): Promise<DrawResult> {
    const expected = image.width * image.height * 3;
    // A short buffer would make OpenCV read past its end (segfault): refuse it here.
    if (image.data.byteLength !== expected) throw new Error(`frame has ${image.data.byteLength} bytes, expected ${expected}`);
    // Drawn in place (a Mat over the buffer, not a copy of it): the buffer is shared with the main thread, which encodes it next.
    const mat = new cv.Mat(image.height, image.width, cv.CV_8UC3, Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength));
    try {
      const started = performance.now();
      if (masked.length) mat.drawFillPoly(masked.map((zone) => zone.map(([x, y]) => new cv.Point2(x, y))), new cv.Vec3(0, 0, 0), cv.LINE_8);
      blurRegions(mat, hidden);
      drawOverlay(mat, overlay);
      return { drawMs: performance.now() - started };
    } finally {
      mat.release();
    }
  },

  async placeholder(lastJpeg: Uint8Array | null, width: number, height: number, lines: string[], jpegQuality: number): Promise<RenderResult> {
    const started = performance.now();
    let source: Mat | undefined;
    // imdecode of an empty buffer aborts the process: only decode something that looks like a JPEG.
    if (lastJpeg && lastJpeg.byteLength > 4 && lastJpeg[0] === 0xff && lastJpeg[1] === 0xd8) {
      const decoded = cv.imdecode(Buffer.from(lastJpeg.buffer, lastJpeg.byteOffset, lastJpeg.byteLength));
      if (decoded.empty) decoded.release();
      else source = decoded;
    }
    source ??= new cv.Mat(Math.max(16, height), Math.max(16, width), cv.CV_8UC3, [60, 60, 60]);
    let dark: Mat | undefined;
    try {
      dark = source.convertTo(cv.CV_8UC3, 0.3, 0);
      drawPlaceholder(dark, lines);
      const drawn = performance.now();
      const jpeg = encodeJpeg(dark, jpegQuality);
      return { jpeg, drawMs: drawn - started, encodeMs: performance.now() - drawn };
    } finally {
      dark?.release();
      source.release();
    }
  },
};

/** Results whose buffers can be moved, not copied, back to the main thread. */
export function renderTransferables(result: unknown): Transferable[] {
  const jpeg = (result as Partial<RenderResult> | undefined)?.jpeg;
  return jpeg instanceof Uint8Array ? [jpeg.buffer as ArrayBuffer] : [];
}
