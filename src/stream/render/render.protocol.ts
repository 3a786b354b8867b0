import type { BgrImage } from '../../recognition/face.types';
import type { OverlayItem } from '../overlay';

export interface RenderResult {
  jpeg: Uint8Array;
  drawMs: number;
  encodeMs: number;
}

export interface RenderApi {
  [method: string]: (...args: any[]) => unknown;
  /** Draws the overlay onto the frame and encodes it as JPEG. */
  render(image: BgrImage, overlay: OverlayItem[], jpegQuality: number): Promise<RenderResult>;
}
