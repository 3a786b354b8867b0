/**
 * Boxes and labels drawn without OpenCV (bgr-drawing.ts), labels rasterised once by the font
 * rasteriser and kept as BGR patches: the drawing thread's work for every frame without
 * privacy regions. The vision thread's drawOverlay (OpenCV) stays for blurs, masks and the
 * Hershey fallback.
 */
import type { BgrImage } from '../../recognition/face.types';
import { clampBox, KNOWN_COLOR, OverlayItem, textStyle, UNKNOWN_COLOR } from '../overlay';
import { bgrPatchOf, pastePatch, strokeBox } from './bgr-drawing';
import { LABEL_CACHE_SIZE, labelCacheKey, labelFontPx, labelPaste, LabelSpec } from './label-layout';
import type { LabelRasterizer } from './label-rasterizer';
import { LruCache } from './lru-cache';

export class OverlayPainter {
  private readonly patches = new LruCache<string, BgrImage>(LABEL_CACHE_SIZE);

  constructor(private readonly rasterizer: LabelRasterizer) {}

  /** Draws every item's box (green known, red unknown) and label onto `image`, in place. */
  paint(image: BgrImage, overlay: readonly OverlayItem[]): void {
    const frame = { width: image.width, height: image.height };
    const thickness = textStyle(image.height).boxThickness;
    const fontPx = labelFontPx(image.height);
    for (const item of overlay) {
      const box = clampBox(item.box, frame.width, frame.height);
      if (!box) continue;
      const color = item.known ? KNOWN_COLOR : UNKNOWN_COLOR;
      strokeBox(image, box, color, thickness);
      const spec: LabelSpec = { text: item.label, fontPx, background: color };
      const patch = this.patches.getOrCreate(labelCacheKey(spec), () => {
        const label = this.rasterizer.render(spec);
        return bgrPatchOf(label.width, label.height, label.rgba);
      });
      const paste = labelPaste(box, patch, frame);
      if (paste) pastePatch(image, patch, paste);
    }
  }
}
