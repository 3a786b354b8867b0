import type { BgrImage, Box } from '../../recognition/face.types';
import { VisionThread } from '../../vision/vision-thread';
import type { OverlayItem } from '../overlay';
import type { PrivacyZone } from '../privacy-zones';
import type { RenderResult } from './render.protocol';

/** Main-thread boundary for drawing and encoding frames (done in the vision thread). */
export class RenderClient {
  constructor(
    private readonly jpegQuality: number,
    private readonly vision: VisionThread = VisionThread.shared(),
  ) {}

  get alive(): boolean {
    return this.vision.alive;
  }

  /** Pixelates `hidden`, draws the overlay and encodes the frame at `jpegQuality` (else the server's). */
  async render(image: BgrImage, overlay: OverlayItem[], jpegQuality = this.jpegQuality, hidden: Box[] = [], masked: PrivacyZone[] = []): Promise<RenderResult & { jpeg: Buffer }> {
    const result = await this.vision.call('render', [image, overlay, jpegQuality, hidden, masked]);
    return { ...result, jpeg: Buffer.from(result.jpeg.buffer, result.jpeg.byteOffset, result.jpeg.byteLength) };
  }

  /** The offline image (see RenderApi.placeholder), drawn and encoded in the vision thread. */
  async placeholder(lastJpeg: Buffer | undefined, width: number, height: number, lines: string[], jpegQuality = this.jpegQuality): Promise<RenderResult & { jpeg: Buffer }> {
    const last = lastJpeg ? new Uint8Array(lastJpeg.buffer, lastJpeg.byteOffset, lastJpeg.byteLength) : null;
    const result = await this.vision.call('placeholder', [last, width, height, lines, jpegQuality]);
    return { ...result, jpeg: Buffer.from(result.jpeg.buffer, result.jpeg.byteOffset, result.jpeg.byteLength) };
  }
}
