import type { Box } from '../recognition/face.types';

/** Centre x, centre y, width, height: the quantities that change linearly when a face moves or approaches. */
type Vec4 = [number, number, number, number];

const toVec = (b: Box): Vec4 => [b.x + b.width / 2, b.y + b.height / 2, b.width, b.height];

// A predicted box never shrinks to nothing, even when a coasting track extrapolates a shrinking face.
const MIN_SIDE = 1;

const toBox = ([cx, cy, w, h]: Vec4): Box => {
  const width = Math.max(MIN_SIDE, w);
  const height = Math.max(MIN_SIDE, h);
  return { x: cx - width / 2, y: cy - height / 2, width, height };
};

/**
 * Constant-velocity motion of one box, smoothed with an alpha-beta filter (a steady-state Kalman
 * filter without the matrices): detections come every N frames with a few pixels of jitter, and the
 * box has to be placed on the frames in between. Velocity is per frame.
 */
export class BoxMotion {
  private at: number;
  private state: Vec4;
  private velocity: Vec4 = [0, 0, 0, 0];
  private lastMeasured: { at: number; value: Vec4 };
  private corrections = 0;

  constructor(
    box: Box,
    at: number,
    private readonly alpha: number,
    private readonly beta: number,
  ) {
    this.at = at;
    this.state = toVec(box);
    this.lastMeasured = { at, value: this.state };
  }

  /** Where the box is at frame `at` (forwards or backwards from the last detection). */
  predict(at: number): Box {
    const dt = at - this.at;
    return toBox(this.state.map((v, i) => v + this.velocity[i] * dt) as Vec4);
  }

  /** Velocity in pixels per frame of the centre (x, y) and of the size (width, height). */
  get speed(): Readonly<Vec4> {
    return this.velocity;
  }

  /**
   * Folds a detected box in. The first correction, and one after a jump (the prediction was
   * far off, so the old velocity is wrong), restarts from the measurement with a two-point
   * velocity instead of slowly filtering the error away.
   */
  correct(box: Box, at: number, reanchor = false): void {
    const z = toVec(box);
    const dt = at - this.at;
    if (dt < 0) return; // older than what we know: the tracker never does this, ignore rather than rewind
    if (dt === 0) {
      // Same frame again: take the newer measurement, keep the velocity.
      this.state = z;
    } else if (this.corrections === 0 || reanchor) {
      const span = at - this.lastMeasured.at;
      const from = this.lastMeasured.value;
      this.velocity = span > 0 ? (z.map((v, i) => (v - from[i]) / span) as Vec4) : [0, 0, 0, 0];
      this.state = z;
      this.corrections++;
    } else {
      const predicted = this.state.map((v, i) => v + this.velocity[i] * dt) as Vec4;
      const residual = z.map((v, i) => v - predicted[i]) as Vec4;
      this.state = predicted.map((v, i) => v + this.alpha * residual[i]) as Vec4;
      this.velocity = this.velocity.map((v, i) => v + (this.beta * residual[i]) / dt) as Vec4;
      this.corrections++;
    }
    this.at = at;
    this.lastMeasured = { at, value: z };
  }
}
