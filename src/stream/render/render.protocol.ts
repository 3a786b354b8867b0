import type { BgrImage, Box } from '../../recognition/face.types';
import type { OverlayItem } from '../overlay';
import type { PrivacyZone } from '../privacy-zones';

export interface RenderResult {
  jpeg: Uint8Array;
  drawMs: number;
  encodeMs: number;
}

export interface DrawResult {
  drawMs: number;
}

export interface RenderApi {
  [method: string]: (...args: any[]) => unknown;
  /** Fills the `masked` polygons (pixels) black, blurs the `hidden` regions and draws the overlay, in the frame's own (shared) buffer. */
  draw(image: BgrImage, overlay: OverlayItem[], hidden?: Box[], masked?: PrivacyZone[]): Promise<DrawResult>;
  /**
   * The "camera offline" image: `lastJpeg` (the last live frame) darkened, or a plain
   * width x height card when there is none, with `lines` of text centred on it; encoded as JPEG.
   */
  placeholder(lastJpeg: Uint8Array | null, width: number, height: number, lines: string[], jpegQuality: number): Promise<RenderResult>;
}

/** What the drawing thread serves (drawing.worker.ts): boxes and labels without OpenCV. */
export interface DrawingApi {
  [method: string]: (...args: any[]) => unknown;
  /** Whether labels can be drawn there (the font rasteriser loaded); else the vision thread draws (Hershey). */
  canDraw(): Promise<boolean>;
  /** Copies the frame into `canvas` (a shared buffer of the same size) and draws the overlay on it. */
  draw(frame: BgrImage, canvas: BgrImage, overlay: OverlayItem[]): Promise<DrawResult>;
}
