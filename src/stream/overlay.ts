import type { Box } from '../recognition/face.types';

export type Rgb = [number, number, number];

/** What the renderer draws for one face: all geometry already decided. */
export interface OverlayItem {
  box: Box;
  label: string;
  known: boolean;
}

export const KNOWN_COLOR: Rgb = [46, 204, 113];
export const UNKNOWN_COLOR: Rgb = [231, 76, 60];

/** Letters of right-to-left scripts, and explicit direction controls. */
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\p{Bidi_Control}]/u;

/**
 * "Serena_Williams 87%" / "Unknown 92%". A right-to-left name is isolated (U+2068 ... U+2069,
 * as HTML's <bdi>), so the bidi algorithm orders it on its own and the percentage stays on its right.
 */
export function faceLabel(name: string, confidence: number): string {
  const shown = RIGHT_TO_LEFT.test(name) ? `\u2068${name}\u2069` : name;
  return `${shown} ${Math.round(confidence)}%`;
}

/** Font scale and line thickness that stay readable from 240p to 4K. */
export function textStyle(frameHeight: number): { scale: number; thickness: number; boxThickness: number } {
  const scale = Math.max(0.4, Math.min(2, frameHeight / 1100));
  return { scale, thickness: Math.max(1, Math.round(scale * 2)), boxThickness: Math.max(2, Math.round(frameHeight / 360)) };
}

/** Integer box clipped to the frame; null when nothing of it is visible. */
export function clampBox(box: Box, width: number, height: number): Box | null {
  const x1 = Math.max(0, Math.round(box.x));
  const y1 = Math.max(0, Math.round(box.y));
  const x2 = Math.min(width - 1, Math.round(box.x + box.width));
  const y2 = Math.min(height - 1, Math.round(box.y + box.height));
  if (x2 <= x1 || y2 <= y1) return null;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/**
 * Where the label goes: a filled strip just above the box, or just inside its top edge
 * when there is no room above; shifted left so it never leaves the frame.
 */
export function labelPlacement(
  box: Box,
  text: { width: number; height: number; baseline: number },
  frame: { width: number; height: number },
  padding = 4,
): { background: Box; textOrigin: [number, number] } {
  const stripHeight = text.height + text.baseline + padding * 2;
  const stripWidth = Math.min(frame.width, text.width + padding * 2);
  const above = box.y - stripHeight >= 0;
  const y = above ? box.y - stripHeight : Math.min(box.y, frame.height - stripHeight);
  const x = Math.max(0, Math.min(box.x, frame.width - stripWidth));
  return {
    background: { x, y: Math.max(0, y), width: stripWidth, height: stripHeight },
    textOrigin: [x + padding, Math.max(0, y) + padding + text.height],
  };
}
