import type { Box, Point } from '../../src/recognition/face.types';

/** Deterministic uniform noise in [-1, 1) (mulberry32): jitter that is the same on every run. */
export function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** Frontal five-point landmarks inside a box. */
export const landmarksOf = (b: Box): Point[] => [
  [b.x + 0.3 * b.width, b.y + 0.4 * b.height],
  [b.x + 0.7 * b.width, b.y + 0.4 * b.height],
  [b.x + 0.5 * b.width, b.y + 0.6 * b.height],
  [b.x + 0.35 * b.width, b.y + 0.8 * b.height],
  [b.x + 0.65 * b.width, b.y + 0.8 * b.height],
];
