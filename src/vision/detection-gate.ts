/**
 * Motion-gated detection: a whole-frame detection (~11 ms at 640 px) only when something may have
 * come into view; otherwise the faces already tracked are looked for around their predicted boxes
 * (one small mosaic, ~1–3 ms a face), and a still, empty picture is not searched at all. This is
 * what NVRs call motion detection, done on the thumbnail the scene-cut test already makes.
 * Pure: per camera, the previous call's thumbnail and tracked boxes, and when the last whole-frame
 * detection ran.
 */
import type { Box } from '../recognition/face.types';
import { THUMB_H, THUMB_W } from './frame-change';

export interface DetectionGateOptions {
  /** A thumbnail cell moved when its grey level changed by more than this since the previous call (0–255). */
  cellChange: number;
  /** Tracked boxes are grown by this share of their size on each side: a face moves within its own region. */
  trackMargin: number;
}

/**
 * Cells are 40x40 px on a 720p frame, each the mean of 16 samples: camera noise moves a cell by
 * 1–3 levels, a face or a person entering a cell by tens.
 */
export const DEFAULT_DETECTION_GATE: DetectionGateOptions = { cellChange: 12, trackMargin: 0.5 };

export type DetectionScope = 'frame' | 'tracks' | 'none';

export interface DetectionPlan {
  /** `frame`: detect everywhere; `tracks`: only around `around`; `none`: nothing tracked and nothing moved. */
  scope: DetectionScope;
  why: 'first' | 'cut' | 'interval' | 'motion' | 'still';
  around: Box[];
}

export interface GateInput {
  thumb: Float32Array;
  /** Milliseconds, any monotonic clock. */
  now: number;
  /** The camera's tracked faces, predicted for this frame. */
  tracked: Box[];
  width: number;
  height: number;
  sceneCut: boolean;
  /** A whole-frame detection at least this often (ms), moving or not: a face may turn up without moving much. */
  fullEveryMs: number;
}

/** The thumbnail cells (row-major index) a set of boxes covers once each is grown by `margin` of its size on every side. */
export function cellsCovered(boxes: readonly Box[], width: number, height: number, margin: number): Set<number> {
  const covered = new Set<number>();
  const cw = width / THUMB_W;
  const ch = height / THUMB_H;
  for (const b of boxes) {
    const x0 = Math.max(0, Math.floor((b.x - b.width * margin) / cw));
    const x1 = Math.min(THUMB_W - 1, Math.floor((b.x + b.width * (1 + margin)) / cw));
    const y0 = Math.max(0, Math.floor((b.y - b.height * margin) / ch));
    const y1 = Math.min(THUMB_H - 1, Math.floor((b.y + b.height * (1 + margin)) / ch));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) covered.add(y * THUMB_W + x);
  }
  return covered;
}

/** Cells that changed by more than `cellChange` and are not in `ignored`. */
export function movedCells(previous: Float32Array, next: Float32Array, ignored: Set<number>, cellChange: number): number {
  let moved = 0;
  for (let i = 0; i < next.length; i++) if (!ignored.has(i) && Math.abs(next[i] - previous[i]) > cellChange) moved++;
  return moved;
}

/** One camera's gate: call `plan` once per recognised frame, in order. */
export class DetectionGate {
  private previous?: { thumb: Float32Array; tracked: Box[]; width: number; height: number };
  private lastFullAt = -Infinity;

  constructor(private readonly options: DetectionGateOptions = DEFAULT_DETECTION_GATE) {}

  plan(input: GateInput): DetectionPlan {
    const decision = this.decide(input);
    this.previous = { thumb: input.thumb, tracked: input.tracked, width: input.width, height: input.height };
    if (decision.scope === 'frame') this.lastFullAt = input.now;
    return decision;
  }

  private decide({ thumb, now, tracked, width, height, sceneCut, fullEveryMs }: GateInput): DetectionPlan {
    const previous = this.previous;
    if (!previous || previous.width !== width || previous.height !== height) return { scope: 'frame', why: 'first', around: [] };
    if (sceneCut) return { scope: 'frame', why: 'cut', around: [] };
    if (now - this.lastFullAt >= fullEveryMs) return { scope: 'frame', why: 'interval', around: [] };
    // Where the tracked faces are now and were at the previous call: their own movement.
    const own = cellsCovered([...tracked, ...previous.tracked], width, height, this.options.trackMargin);
    if (movedCells(previous.thumb, thumb, own, this.options.cellChange) > 0) return { scope: 'frame', why: 'motion', around: [] };
    return { scope: tracked.length ? 'tracks' : 'none', why: 'still', around: tracked };
  }
}

/** The gates of every camera, keyed by camera name. */
export class DetectionGates {
  private readonly gates = new Map<string, DetectionGate>();

  constructor(private readonly options: DetectionGateOptions = DEFAULT_DETECTION_GATE) {}

  of(camera: string): DetectionGate {
    let gate = this.gates.get(camera);
    if (!gate) {
      gate = new DetectionGate(this.options);
      this.gates.set(camera, gate);
    }
    return gate;
  }

  forget(camera?: string): void {
    if (camera === undefined) this.gates.clear();
    else this.gates.delete(camera);
  }
}
