/**
 * Planning of the small-face passes (pure): besides the cheap pass over the whole frame
 * downscaled to DETECTION_WIDTH, the detector runs at full resolution on
 *  - the regions around the small faces it found on the previous frame (so a face found once
 *    stays found on every following frame while it moves), and
 *  - one tile of a fixed overlapping grid, a different one per frame (so a small face nobody
 *    has seen yet is found within `tiles` processed frames).
 * Also the downscaled pass's weak candidates (scoring under the threshold) that are small can be
 * checked by a region pass of their own ("proposals": nearly free, no tile needed).
 * The faces of all passes are merged with non-maximum suppression.
 */
import type { Box, DetectedFace, Point } from '../face.types';
import { nmsFaces, unscaleFace } from './yunet-decoder';

/** A rectangle of whole pixels inside the frame. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SmallFacePassOptions {
  /** Full-resolution tiles in the rotating grid, per side (2 → 4 tiles). */
  gridSide: number;
  /** Overlap of neighbouring tiles in pixels: a face up to this size lies wholly inside some tile. */
  tileOverlap: number;
  /** A face is tracked with its own region while its height is below this (full-resolution px). */
  smallFaceMaxPx: number;
  /** The region around a face spans this many times its size... */
  regionContext: number;
  /** ...and at least this many pixels a side. */
  regionMinSide: number;
  /** At most this many face regions per frame (smallest faces first). */
  maxRegions: number;
  /** Scan a grid tile on every Nth frame only (face regions run on every frame); 0 = never. */
  tileEvery: number;
}

export const DEFAULT_SMALL_FACE_PASS: SmallFacePassOptions = {
  gridSide: 2,
  tileOverlap: 96,
  smallFaceMaxPx: 80,
  regionContext: 3,
  regionMinSide: 160,
  maxRegions: 4,
  tileEvery: 2,
};

/** An overlapping grid of `side` x `side` tiles covering the frame, row-major. */
export function tileGrid(frameWidth: number, frameHeight: number, side: number, overlap: number): Region[] {
  const axis = (length: number): Array<[number, number]> => {
    if (side <= 1) return [[0, length]];
    const size = Math.min(length, Math.ceil((length + (side - 1) * overlap) / side));
    const spans: Array<[number, number]> = [];
    for (let i = 0; i < side; i++) {
      const start = Math.round((i * (length - size)) / (side - 1));
      spans.push([start, size]);
    }
    return spans;
  };
  const regions: Region[] = [];
  for (const [y, height] of axis(frameHeight)) {
    for (const [x, width] of axis(frameWidth)) regions.push({ x, y, width, height });
  }
  return regions;
}

/** The region around a face: `context` times its size, at least `minSide`, clipped to the frame. */
export function regionAround(box: Box, frameWidth: number, frameHeight: number, context: number, minSide: number): Region {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const w = Math.min(frameWidth, Math.max(minSide, box.width * context));
  const h = Math.min(frameHeight, Math.max(minSide, box.height * context));
  const x = Math.round(Math.min(Math.max(0, cx - w / 2), frameWidth - w));
  const y = Math.round(Math.min(Math.max(0, cy - h / 2), frameHeight - h));
  return { x, y, width: Math.min(Math.round(w), frameWidth - x), height: Math.min(Math.round(h), frameHeight - y) };
}

function intersects(a: Region, b: Region): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function union(a: Region, b: Region): Region {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function contains(outer: Region, inner: Region): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** Overlapping regions replaced by their union, until none overlap. */
export function mergeRegions(regions: Region[]): Region[] {
  const out = [...regions];
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (intersects(out[i], out[j])) {
          out[i] = union(out[i], out[j]);
          out.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  return out;
}

/**
 * The full-resolution regions to run on this frame: the regions around the previous frame's
 * small faces, and, on every `tileEvery`th frame, the next tile of the grid unless those regions
 * already cover it.
 */
export function planSmallFacePasses(
  frameWidth: number,
  frameHeight: number,
  previousFaces: Box[],
  frameCounter: number,
  options: SmallFacePassOptions = DEFAULT_SMALL_FACE_PASS,
  proposals: Box[] = [],
): Region[] {
  const small = [...previousFaces, ...proposals]
    .filter((b) => b.height < options.smallFaceMaxPx)
    .sort((a, b) => a.height - b.height)
    .slice(0, options.maxRegions);
  const regions = mergeRegions(small.map((b) => regionAround(b, frameWidth, frameHeight, options.regionContext, options.regionMinSide)));
  const every = Math.round(options.tileEvery);
  if (every <= 0 || frameCounter % every !== 0) return regions;
  const grid = tileGrid(frameWidth, frameHeight, options.gridSide, options.tileOverlap);
  const n = Math.floor(frameCounter / every);
  const tile = grid[((n % grid.length) + grid.length) % grid.length];
  if (!regions.some((r) => contains(r, tile))) regions.push(tile);
  return regions;
}

/** How tracked faces are looked for again between recognitions (see confirmationMosaic). */
export interface ConfirmationOptions {
  /** The region around a face spans this many times its size: room for the prediction to be off. */
  context: number;
  /** Faces are looked for at most this big (longer side, px): a face needs no detail to be found. */
  facePx: number;
  /** Side of each region's square cell in the mosaic (a multiple of 32, YuNet's stride). */
  cell: number;
}

export const DEFAULT_CONFIRMATION: ConfirmationOptions = { context: 2.5, facePx: 48, cell: 128 };

/** One face's region, scaled into its cell of the mosaic. */
export interface MosaicCell {
  region: Region;
  /** Mosaic pixels per frame pixel (≤ 1). */
  scale: number;
  /** Left edge of the cell in the mosaic (cells sit side by side, top-aligned). */
  left: number;
  /** The scaled region's size within the cell (the rest is padding). */
  width: number;
  height: number;
}

/**
 * The regions around tracked faces, each scaled so the face is at most `facePx` and the region
 * fits a `cell` square, side by side in one image: the detector then runs once, on a small
 * input of fixed height, whatever the faces' sizes (about 1 ms a face instead of ~11 ms for
 * the whole frame).
 */
export function confirmationMosaic(
  boxes: Box[],
  frameWidth: number,
  frameHeight: number,
  options: ConfirmationOptions = DEFAULT_CONFIRMATION,
): { cells: MosaicCell[]; width: number; height: number } {
  const cells = boxes.map((box, i) => {
    const region = regionAround(box, frameWidth, frameHeight, options.context, 1);
    const scale = Math.min(1, options.facePx / Math.max(1, box.width, box.height), options.cell / region.width, options.cell / region.height);
    const width = Math.max(1, Math.min(options.cell, Math.round(region.width * scale)));
    const height = Math.max(1, Math.min(options.cell, Math.round(region.height * scale)));
    return { region, scale, left: i * options.cell, width, height };
  });
  return { cells, width: cells.length * options.cell, height: options.cell };
}

/**
 * The faces the detector found in the mosaic, in frame coordinates: each face belongs to the
 * cell holding its centre; faces cut by their region (not by the frame's edge) are dropped, and
 * the same face found from two overlapping regions is kept once.
 */
export function facesFromMosaic(faces: DetectedFace[], cells: MosaicCell[], frameWidth: number, frameHeight: number): DetectedFace[] {
  const passes = cells.map((cell) => ({ region: cell.region, faces: [] as DetectedFace[] }));
  for (const face of faces) {
    const cx = face.box.x + face.box.width / 2;
    const i = cells.findIndex((c) => cx >= c.left && cx < c.left + c.width && face.box.y + face.box.height / 2 < c.height);
    if (i < 0) continue;
    const { left, scale, region } = cells[i];
    passes[i].faces.push(offsetFace(unscaleFace(offsetFace(face, -left, 0), scale), region.x, region.y));
  }
  return mergePasses([], passes, frameWidth, frameHeight);
}

/** A face found inside a region, moved to frame coordinates. */
export function offsetFace(face: DetectedFace, dx: number, dy: number): DetectedFace {
  if (dx === 0 && dy === 0) return face;
  return {
    score: face.score,
    box: { x: face.box.x + dx, y: face.box.y + dy, width: face.box.width, height: face.box.height },
    landmarks: face.landmarks.map(([x, y]) => [x + dx, y + dy] as Point),
  };
}

/**
 * True when the face touches an edge of its region that is not an edge of the frame: the
 * region cut it, so its box and landmarks are not to be trusted (the face is whole in another pass).
 */
export function cutByRegion(face: DetectedFace, region: Region, frameWidth: number, frameHeight: number, margin = 2): boolean {
  const { x, y, width, height } = face.box;
  return (
    (region.x > 0 && x < region.x + margin) ||
    (region.y > 0 && y < region.y + margin) ||
    (region.x + region.width < frameWidth && x + width > region.x + region.width - margin) ||
    (region.y + region.height < frameHeight && y + height > region.y + region.height - margin)
  );
}

/**
 * The faces of the whole-frame pass and of the region passes (already in frame coordinates),
 * as one list: faces cut by their region's inner edges are dropped, the rest suppressed by NMS.
 */
export function mergePasses(
  wholeFrame: DetectedFace[],
  passes: Array<{ region: Region; faces: DetectedFace[] }>,
  frameWidth: number,
  frameHeight: number,
  nmsIou = 0.3,
): DetectedFace[] {
  const extra = passes.flatMap((p) => p.faces.filter((f) => !cutByRegion(f, p.region, frameWidth, frameHeight)));
  if (extra.length === 0) return wholeFrame;
  return nmsFaces([...wholeFrame, ...extra], nmsIou);
}
