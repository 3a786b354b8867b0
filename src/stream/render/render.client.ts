import { FrameBufferPool } from '../../camera/ffmpeg/frame-buffer-pool';
import type { BgrImage, Box } from '../../recognition/face.types';
import { VisionThread } from '../../vision/vision-thread';
import type { OverlayItem } from '../overlay';
import type { PrivacyZone } from '../privacy-zones';
import { JpegEncoder, TurboJpegEncoder } from './jpeg-encoder';
import { DrawingThread } from './drawing-thread';
import type { DrawResult, RenderResult } from './render.protocol';

/** Drawing copies kept for reuse per frame size (as many as are drawn at once at four cameras). */
const MAX_FREE_CANVASES = 4;

/**
 * Main-thread boundary for drawing and encoding frames: drawn on a shared copy of the frame in
 * the drawing thread (privacy blurs in the vision thread), then encoded beside them
 * (JpegEncoder), so the one thread that owns OpenCV does neither for every camera's every
 * frame. A frame with nothing to draw is encoded as it is.
 */
export class RenderClient {
  private readonly canvases = new Map<number, FrameBufferPool>();

  constructor(
    private readonly jpegQuality: number,
    private readonly encoder: JpegEncoder = new TurboJpegEncoder(),
    private readonly drawing: DrawingThread | null = new DrawingThread(),
    private readonly vision: VisionThread = VisionThread.shared(),
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.drawing?.terminate();
  }

  get alive(): boolean {
    return this.vision.alive;
  }

  /** Pixelates `hidden`, draws the overlay and encodes the frame at `jpegQuality` (else the server's). */
  async render(image: BgrImage, overlay: OverlayItem[], jpegQuality = this.jpegQuality, hidden: Box[] = [], masked: PrivacyZone[] = []): Promise<RenderResult & { jpeg: Buffer }> {
    if (overlay.length === 0 && hidden.length === 0 && masked.length === 0) return this.encode(image, jpegQuality, 0);
    // Drawn on a copy: the frame's own pixels may still be detected, embedded or cropped from.
    const pool = this.drawingBuffers(image.data.byteLength);
    const canvas = { ...image, data: pool.acquire() };
    try {
      const { drawMs } = await this.drawOnto(image, canvas, overlay, hidden, masked);
      return await this.encode(canvas, jpegQuality, drawMs);
    } finally {
      pool.recycle(canvas.data);
    }
  }

  /**
   * Boxes and labels in the drawing thread, beside inference; blurs and masks (OpenCV) in the
   * vision thread, as everything when the drawing thread has no fonts or has stopped.
   */
  private async drawOnto(frame: BgrImage, canvas: BgrImage, overlay: OverlayItem[], hidden: Box[], masked: PrivacyZone[]): Promise<DrawResult> {
    if (hidden.length === 0 && masked.length === 0 && this.drawing && (await this.drawing.canDraw())) return this.drawing.draw(frame, canvas, overlay);
    canvas.data.set(frame.data);
    return this.vision.call('draw', [canvas, overlay, hidden, masked]);
  }

  private async encode(image: BgrImage, jpegQuality: number, drawMs: number): Promise<RenderResult & { jpeg: Buffer }> {
    const started = performance.now();
    const jpeg = await this.encoder.encode(image, jpegQuality);
    return { jpeg, drawMs, encodeMs: performance.now() - started };
  }

  /** Shared buffers frames are drawn on (by the drawing or the vision thread, in place; encoded next), reused per frame size. */
  private drawingBuffers(bytes: number): FrameBufferPool {
    let pool = this.canvases.get(bytes);
    if (!pool) this.canvases.set(bytes, (pool = new FrameBufferPool(bytes, MAX_FREE_CANVASES)));
    return pool;
  }

  /** The offline image (see RenderApi.placeholder), drawn and encoded in the vision thread. */
  async placeholder(lastJpeg: Buffer | undefined, width: number, height: number, lines: string[], jpegQuality = this.jpegQuality): Promise<RenderResult & { jpeg: Buffer }> {
    const last = lastJpeg ? new Uint8Array(lastJpeg.buffer, lastJpeg.byteOffset, lastJpeg.byteLength) : null;
    const result = await this.vision.call('placeholder', [last, width, height, lines, jpegQuality]);
    return { ...result, jpeg: Buffer.from(result.jpeg.buffer, result.jpeg.byteOffset, result.jpeg.byteLength) };
  }
}
