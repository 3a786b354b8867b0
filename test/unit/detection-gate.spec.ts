import type { Box } from '../../src/recognition/face.types';
import { cellsCovered, DetectionGate, DetectionGates, GateInput, movedCells } from '../../src/vision/detection-gate';
import { THUMB_H, THUMB_W } from '../../src/vision/frame-change';

const W = 1280;
const H = 720;
/** Thumbnail cells are 40x40 px on a 1280x720 frame. */
const CELL = 40;

/** A flat grey thumbnail with the given cells (x, y) set to another level. */
function thumb(level = 100, changed: Array<[number, number]> = [], to = 160): Float32Array {
  const t = new Float32Array(THUMB_W * THUMB_H).fill(level);
  for (const [x, y] of changed) t[y * THUMB_W + x] = to;
  return t;
}

const face: Box = { x: 400, y: 200, width: 80, height: 80 };

function input(over: Partial<GateInput>): GateInput {
  return { thumb: thumb(), now: 0, tracked: [], width: W, height: H, sceneCut: false, fullEveryMs: 1000, ...over };
}

describe('motion-gated detection', () => {
  it('covers a box grown by the margin, clipped to the frame', () => {
    const cells = cellsCovered([{ x: 0, y: 0, width: 80, height: 40 }], W, H, 0.5);
    // x from -40 to 120 → cells 0..3; y from -20 to 60 → rows 0..1.
    expect([...cells].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, THUMB_W, THUMB_W + 1, THUMB_W + 2, THUMB_W + 3]);
    expect(cellsCovered([], W, H, 0.5).size).toBe(0);
  });

  it('counts moved cells above the change, except the ignored ones', () => {
    const before = thumb();
    const after = thumb(100, [[0, 0], [5, 5]]);
    expect(movedCells(before, after, new Set(), 12)).toBe(2);
    expect(movedCells(before, after, new Set([0]), 12)).toBe(1);
    expect(movedCells(before, thumb(110), new Set(), 12)).toBe(0); // noise-sized change everywhere
  });

  it('searches the whole frame first, then only around still tracked faces, and a still empty picture not at all', () => {
    const gate = new DetectionGate();
    expect(gate.plan(input({ now: 0 })).scope).toBe('frame');
    expect(gate.plan(input({ now: 80 }))).toEqual({ scope: 'none', why: 'still', around: [] });
    expect(gate.plan(input({ now: 160, tracked: [face] }))).toEqual({ scope: 'tracks', why: 'still', around: [face] });
  });

  it('searches the whole frame when something moved outside the tracked faces, not when a tracked face moved', () => {
    const gate = new DetectionGate();
    gate.plan(input({ now: 0, tracked: [face] }));
    // The face's own cells (x 400–480 → cells 10–11, grown: 9–12) change: its own movement.
    const faceMoved = thumb(100, [[10, 5], [11, 6], [12, 7]]);
    expect(gate.plan(input({ now: 80, tracked: [{ ...face, x: 420 }], thumb: faceMoved })).scope).toBe('tracks');
    // A cell far from any face changes: someone may have come into view.
    const elsewhere = thumb(100, [[10, 5], [11, 6], [12, 7], [30, 15]]);
    expect(gate.plan(input({ now: 160, tracked: [{ ...face, x: 420 }], thumb: elsewhere }))).toMatchObject({ scope: 'frame', why: 'motion' });
  });

  it('discounts where a tracked face was at the previous call (the place it left)', () => {
    const gate = new DetectionGate();
    gate.plan(input({ now: 0, tracked: [face] }));
    // The face jumped 5 cells right: both its old and its new cells changed.
    const moved: Box = { ...face, x: face.x + 5 * CELL };
    const t = thumb(100, [[10, 5], [11, 5], [15, 5], [16, 5]]);
    expect(gate.plan(input({ now: 80, tracked: [moved], thumb: t })).scope).toBe('tracks');
  });

  it('searches the whole frame at least every fullEveryMs, after a cut, and when the frame size changes', () => {
    const gate = new DetectionGate();
    gate.plan(input({ now: 0, tracked: [face] }));
    expect(gate.plan(input({ now: 999, tracked: [face] })).scope).toBe('tracks');
    expect(gate.plan(input({ now: 1000, tracked: [face] }))).toMatchObject({ scope: 'frame', why: 'interval' });
    expect(gate.plan(input({ now: 1100, tracked: [face], sceneCut: true }))).toMatchObject({ scope: 'frame', why: 'cut' });
    expect(gate.plan(input({ now: 1200, tracked: [face], width: 640, height: 360 }))).toMatchObject({ scope: 'frame', why: 'first' });
    // The interval counts from the last whole-frame search, whatever caused it.
    expect(gate.plan(input({ now: 2100, tracked: [face], width: 640, height: 360 })).scope).toBe('tracks');
  });

  it('keeps one gate per camera and forgets a removed camera', () => {
    const gates = new DetectionGates();
    gates.of('door').plan(input({ now: 0 }));
    expect(gates.of('door').plan(input({ now: 80 })).scope).toBe('none');
    expect(gates.of('yard').plan(input({ now: 80 })).scope).toBe('frame'); // its own first frame
    gates.forget('door');
    expect(gates.of('door').plan(input({ now: 160 })).scope).toBe('frame');
  });
});
