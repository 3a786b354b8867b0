/**
 * Geometry of a face's label as a pre-rendered patch (pure: no OpenCV, no canvas). A label
 * is rasterised once into a strip (box colour, white text) and pasted above the face's box.
 */
import type { Box } from '../../recognition/face.types';
import { labelPlacement, Rgb, textStyle } from '../overlay';

/** Enough for every label on screen across cameras, confidences changing (~15 KB each at 720p, ~120 KB at 4K). */
export const LABEL_CACHE_SIZE = 256;

/** Space between the text and the strip's edges, as with the Hershey labels before. */
export const LABEL_PADDING = 4;

/**
 * Hershey Simplex at scale 1 has capitals about 22 px high; Noto Sans' capitals are 0.714 em,
 * so 31 px per unit of scale keeps the text the size it was.
 */
const PX_PER_HERSHEY_SCALE = 31;

/** Font size in pixels for labels on a frame this high (readable from 240p to 4K, like textStyle). */
export function labelFontPx(frameHeight: number): number {
  return Math.max(10, Math.round(textStyle(frameHeight).scale * PX_PER_HERSHEY_SCALE));
}

/** What identifies a rendered label: the same text at the same size in the same colour looks the same. */
export interface LabelSpec {
  text: string;
  fontPx: number;
  background: Rgb;
}

export function labelCacheKey({ text, fontPx, background }: LabelSpec): string {
  // The text goes last, so no name can run into the other fields.
  return `${fontPx}|${background.join(',')}|${text}`;
}

/** How the font measured the text: advance width, and the line's extent above and below the baseline. */
export interface TextMetrics {
  width: number;
  ascent: number;
  descent: number;
}

export interface PatchLayout {
  width: number;
  height: number;
  /** Where the text starts on the patch: its left end and its baseline. */
  textX: number;
  baselineY: number;
}

/**
 * The patch a label is rendered into. The line height comes from the font (not from this
 * text's glyphs), so labels of one size are all as high and their baselines line up.
 */
export function labelPatchLayout(text: TextMetrics, padding = LABEL_PADDING): PatchLayout {
  const ascent = Math.ceil(text.ascent);
  return {
    width: Math.max(1, Math.ceil(text.width) + padding * 2),
    height: ascent + Math.ceil(text.descent) + padding * 2,
    textX: padding,
    baselineY: padding + ascent,
  };
}

/** Which part of the patch lands where on the frame; null when none of it is visible. */
export interface PatchPaste {
  source: Box;
  target: Box;
}

/**
 * Where a label patch goes for a face's box: above it, or inside its top edge when there is
 * no room (see labelPlacement), cut to the frame when the patch is wider or taller than it.
 */
export function labelPaste(box: Box, patch: { width: number; height: number }, frame: { width: number; height: number }): PatchPaste | null {
  const { background } = labelPlacement(box, { width: patch.width, height: patch.height, baseline: 0 }, frame, 0);
  const width = Math.min(background.width, patch.width, frame.width - background.x);
  const height = Math.min(patch.height, frame.height - background.y);
  if (width <= 0 || height <= 0) return null;
  return {
    source: { x: 0, y: 0, width, height },
    target: { x: background.x, y: background.y, width, height },
  };
}
