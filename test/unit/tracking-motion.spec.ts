import type { Box } from '../../src/recognition/face.types';
import { noise } from '../support/tracking-fixtures';
import { BoxMotion } from '../../src/tracking/motion';

const err = (a: Box, b: Box) =>
  Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y), Math.abs(a.width - b.width), Math.abs(a.height - b.height));

const meanErr = (a: Box, b: Box) =>
  (Math.abs(a.x - b.x) + Math.abs(a.y - b.y) + Math.abs(a.width - b.width) + Math.abs(a.height - b.height)) / 4;


describe('BoxMotion', () => {
  // Moves 6 px right, 2 px up and grows 0.5 px per frame.
  const truth = (t: number): Box => ({ x: 100 + 6 * t, y: 200 - 2 * t, width: 80 + 0.5 * t, height: 90 + 0.5 * t });

  it('holds a lone box still until a second detection gives it a velocity', () => {
    const m = new BoxMotion(truth(0), 0, 0.5, 0.2);
    expect(err(m.predict(3), truth(0))).toBe(0);
  });

  it('follows a constant-velocity face exactly between and beyond detections, and backwards', () => {
    const m = new BoxMotion(truth(0), 0, 0.5, 0.2);
    for (let t = 3; t <= 30; t += 3) m.correct(truth(t), t);
    for (let t = 0; t <= 36; t++) expect(err(m.predict(t), truth(t))).toBeLessThan(1e-9);
    // Centre velocity: the box moves 6 / -2 px and grows 0.5 px per frame, so its centre moves 6.25 / -1.75.
    expect(m.speed[0]).toBeCloseTo(6.25, 9);
    expect(m.speed[1]).toBeCloseTo(-1.75, 9);
    expect(m.speed[2]).toBeCloseTo(0.5, 9);
  });

  it('smooths detector jitter instead of copying it', () => {
    const rand = noise(7);
    const still: Box = { x: 300, y: 300, width: 100, height: 100 };
    const m = new BoxMotion(still, 0, 0.5, 0.2);
    let rawError = 0;
    let smoothError = 0;
    let count = 0;
    for (let t = 2; t <= 400; t += 2) {
      const jitter = { x: still.x + 4 * rand(), y: still.y + 4 * rand(), width: still.width + 4 * rand(), height: still.height + 4 * rand() };
      m.correct(jitter, t);
      if (t < 40) continue; // let the filter settle
      rawError += meanErr(jitter, still);
      smoothError += meanErr(m.predict(t), still);
      count++;
    }
    // An alpha-beta filter with alpha 0.5, beta 0.2 keeps ~65 % of the noise's spread; copying keeps 100 %.
    expect(smoothError / count).toBeLessThan(0.8 * (rawError / count));
  });

  it('re-anchors after a jump, taking the new velocity from the last two detections', () => {
    // Right at +5 px/frame until frame 10, then left at -5 px/frame.
    const pos = (t: number): Box => ({ x: t <= 10 ? 5 * t : 50 - 5 * (t - 10), y: 0, width: 60, height: 60 });
    const anchored = new BoxMotion(pos(0), 0, 0.5, 0.2);
    const filtered = new BoxMotion(pos(0), 0, 0.5, 0.2);
    for (let t = 2; t <= 10; t += 2) {
      anchored.correct(pos(t), t);
      filtered.correct(pos(t), t);
    }
    anchored.correct(pos(12), 12, true);
    filtered.correct(pos(12), 12);
    expect(err(anchored.predict(14), pos(14))).toBeLessThan(1e-9);
    expect(err(filtered.predict(14), pos(14))).toBeGreaterThan(5);
  });

  it('never predicts a box smaller than a pixel, and ignores a detection older than its state', () => {
    const m = new BoxMotion({ x: 0, y: 0, width: 40, height: 40 }, 0, 0.5, 0.2);
    m.correct({ x: 5, y: 5, width: 30, height: 30 }, 1); // shrinking 10 px per frame
    const far = m.predict(100);
    expect(far.width).toBe(1);
    expect(far.height).toBe(1);
    const before = m.predict(5);
    m.correct({ x: 500, y: 500, width: 40, height: 40 }, 0);
    expect(m.predict(5)).toEqual(before);
  });
});
