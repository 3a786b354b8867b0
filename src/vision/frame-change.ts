/**
 * Cheap pixel tests for "the face in this box may be someone else now", run where the pixels
 * are (the engine's thread, next to detection) and returned with the detections. Pure: plain
 * arrays over a packed BGR image, no OpenCV, so every engine's thread can run them.
 *
 * - a scene cut (camera switched, PTZ jump, edited footage): a tiny grey thumbnail of the whole
 *   frame compared with the previous recognised frame's, by changed cells and by histogram;
 * - a face's appearance: a 4x4 grid of mean colours inside its box, which the tracker compares
 *   with the view it last embedded (appearanceDistance).
 */
import type { BgrImage, Box } from '../recognition/face.types';

/** Thumbnail size: enough cells to tell "most of the picture changed" from "a face moved". */
export const THUMB_W = 32;
export const THUMB_H = 18;
/** Samples per thumbnail cell side (the cell's mean is estimated from SAMPLES² pixels). */
const SAMPLES = 4;
/** A cell changed when its grey level moved by more than this (camera noise stays well under). */
const CELL_CHANGE = 24;
const HIST_BINS = 16;

export interface SceneCutOptions {
  /** Share of thumbnail cells that changed for a cut. */
  changedCells: number;
  /** Half the L1 distance of the grey histograms (0..1) for a cut, even if the layout looks alike. */
  histogramDistance: number;
}

/**
 * Calibrated on the demo recording (faces of up to 340 px sliding across a street, camera noise):
 * at most 4.5 % of cells changed and a histogram distance under 0.04 between recognised frames;
 * the cut in the test clip (the same street mirrored and recoloured, identity-cut-clips.ts): 56 %
 * and 0.42. A false cut costs one embedding per face; a missed one, a name held on a stranger.
 */
export const DEFAULT_SCENE_CUT: SceneCutOptions = { changedCells: 0.45, histogramDistance: 0.35 };

export interface SceneChange {
  /** The frame is not a continuation of the previous one: tracks must prove who they are again. */
  cut: boolean;
  changedCells: number;
  histogramDistance: number;
}

/** Grey (BT.601) mean of SAMPLES² points of the region, as one byte-scale number. */
function meanGrey(image: BgrImage, x0: number, y0: number, w: number, h: number, samples: number): number {
  const { data, width } = image;
  let sum = 0;
  for (let sy = 0; sy < samples; sy++) {
    const y = Math.floor(y0 + ((sy + 0.5) * h) / samples);
    for (let sx = 0; sx < samples; sx++) {
      const i = (y * width + Math.floor(x0 + ((sx + 0.5) * w) / samples)) * 3;
      sum += 0.114 * data[i] + 0.587 * data[i + 1] + 0.299 * data[i + 2];
    }
  }
  return sum / (samples * samples);
}

/** The whole frame as THUMB_W x THUMB_H grey cells (about 9,000 pixel reads for any frame size). */
export function frameThumbnail(image: BgrImage): Float32Array {
  const thumb = new Float32Array(THUMB_W * THUMB_H);
  const cw = image.width / THUMB_W;
  const ch = image.height / THUMB_H;
  for (let cy = 0; cy < THUMB_H; cy++) {
    for (let cx = 0; cx < THUMB_W; cx++) thumb[cy * THUMB_W + cx] = meanGrey(image, cx * cw, cy * ch, cw, ch, SAMPLES);
  }
  return thumb;
}

function histogram(thumb: Float32Array): Float32Array {
  const hist = new Float32Array(HIST_BINS);
  for (const v of thumb) hist[Math.min(HIST_BINS - 1, Math.floor((v * HIST_BINS) / 256))] += 1 / thumb.length;
  return hist;
}

/** How `next` differs from `previous` (thumbnails of the same camera); no previous frame: no cut. */
export function sceneChange(previous: Float32Array | undefined, next: Float32Array, o: SceneCutOptions = DEFAULT_SCENE_CUT): SceneChange {
  if (!previous || previous.length !== next.length) return { cut: false, changedCells: 0, histogramDistance: 0 };
  let changed = 0;
  for (let i = 0; i < next.length; i++) if (Math.abs(next[i] - previous[i]) > CELL_CHANGE) changed++;
  const a = histogram(previous);
  const b = histogram(next);
  let l1 = 0;
  for (let i = 0; i < HIST_BINS; i++) l1 += Math.abs(a[i] - b[i]);
  const changedCells = changed / next.length;
  const histogramDistance = l1 / 2;
  return { cut: changedCells >= o.changedCells || histogramDistance >= o.histogramDistance, changedCells, histogramDistance };
}

/** Per camera, the thumbnail of its last recognised frame. */
export class SceneCutDetector {
  private readonly last = new Map<string, Float32Array>();

  constructor(private readonly options: SceneCutOptions = DEFAULT_SCENE_CUT) {}

  /** Compares the frame's thumbnail (frameThumbnail) with the camera's previous one and keeps it for the next call. */
  check(camera: string, thumb: Float32Array): SceneChange {
    const change = sceneChange(this.last.get(camera), thumb, this.options);
    this.last.set(camera, thumb);
    return change;
  }

  forget(camera?: string): void {
    if (camera === undefined) this.last.clear();
    else this.last.delete(camera);
  }
}

const GRID = 4;

/**
 * A face's appearance: mean B, G, R of a 4x4 grid over the middle 80 % of its box (the edges
 * are mostly background), 48 numbers in 0..255. Same face a few frames later: close; another
 * face in the same place: far (skin, hair, light differ).
 */
export function appearanceSignature(image: BgrImage, box: Box): number[] {
  const x0 = Math.max(0, box.x + box.width * 0.1);
  const y0 = Math.max(0, box.y + box.height * 0.1);
  const x1 = Math.min(image.width - 1, box.x + box.width * 0.9);
  const y1 = Math.min(image.height - 1, box.y + box.height * 0.9);
  const cw = Math.max(0, x1 - x0) / GRID;
  const ch = Math.max(0, y1 - y0) / GRID;
  const signature: number[] = [];
  const { data, width } = image;
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      let b = 0;
      let g = 0;
      let r = 0;
      for (let sy = 0; sy < 3; sy++) {
        const y = Math.floor(y0 + (gy + (sy + 0.5) / 3) * ch);
        for (let sx = 0; sx < 3; sx++) {
          const i = (y * width + Math.floor(x0 + (gx + (sx + 0.5) / 3) * cw)) * 3;
          b += data[i];
          g += data[i + 1];
          r += data[i + 2];
        }
      }
      signature.push(Math.round(b / 9), Math.round(g / 9), Math.round(r / 9));
    }
  }
  return signature;
}

/**
 * 0 (identical) .. 1: the mean absolute difference of two signatures after removing each one's
 * overall brightness (a passing cloud is not another face), on the 0..255 scale divided by 255.
 */
export function appearanceDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  const mean = (s: readonly number[]) => s.reduce((sum, v) => sum + v, 0) / s.length;
  const ma = mean(a);
  const mb = mean(b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - ma - (b[i] - mb));
  return sum / a.length / 255;
}
