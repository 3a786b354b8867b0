import { FrameBufferPool } from '../../camera/ffmpeg/frame-buffer-pool';
import type { BgrImage, Box } from '../../recognition/face.types';
import { VisionThread } from '../../vision/vision-thread';
import type { OverlayItem } from '../overlay';
import type { PrivacyZone } from '../privacy-zones';
import { JpegEncoder, TurboJpegEncoder } from './jpeg-encoder';
import type { RenderResult } from './render.protocol';

/** Drawing copies kept for reuse per frame size (as many as are drawn at once at four cameras). */
const MAX_FREE_CANVASES = 4;

/**
 * Main-thread boundary for drawing and encoding frames: drawn in the vision thread (on a shared
 * copy of the frame), then encoded beside it (JpegEncoder), so the one thread that owns
 * OpenCV is not also every camera's JPEG encoder. A frame with nothing to draw skips the vision
 * thread altogether.
 */
export class RenderClient {
  private readonly canvases = new Map<number, FrameBufferPool>();

  constructor(
    private readonly jpegQuality: number,
    private readonly encoder: JpegEncoder = new TurboJpegEncoder(),
    private readonly vision: VisionThread = VisionThread.shared(),
  ) {}

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
      canvas.data.set(image.data);
      const { drawMs } = await this.vision.call('draw', [canvas, overlay, hidden, masked]);
      return await this.encode(canvas, jpegQuality, drawMs);
    } finally {
      pool.recycle(canvas.data);
    }
  }

  private async encode(image: BgrImage, jpegQuality: number, drawMs: number): Promise<RenderResult & { jpeg: Buffer }> {
    const started = performance.now();
    const jpeg = await this.encoder.encode(image, jpegQuality);
    return { jpeg, drawMs, encodeMs: performance.now() - started };
  }

  /** Shared buffers the vision thread draws into (in place: the main thread encodes them next), reused per frame size. */
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

