import { iou } from '../../src/recognition/box-geometry';
import {
  decodeYunet,
  decodeYunetLevel,
  nmsFaces,
  padToMultiple,
  unscaleFace,
  YUNET_OUTPUT_NAMES,
  type YunetLevel,
} from '../../src/recognition/engines/yunet-decoder';
import type { DetectedFace } from '../../src/recognition/face.types';

/** An all-zero level (scores 0) for a padded input of the given size. */
function emptyLevel(stride: number, width: number, height: number): YunetLevel {
  const cells = (width / stride) * (height / stride);
  return {
    stride,
    cls: new Float32Array(cells),
    obj: new Float32Array(cells),
    bbox: new Float32Array(cells * 4),
    kps: new Float32Array(cells * 10),
  };
}

function setCell(level: YunetLevel, cell: number, cls: number, obj: number, bbox: number[], kps: number[] = new Array(10).fill(0)): void {
  level.cls[cell] = cls;
  level.obj[cell] = obj;
  level.bbox.set(bbox, cell * 4);
  level.kps.set(kps, cell * 10);
}

function face(x: number, y: number, w: number, h: number, score: number): DetectedFace {
  return { box: { x, y, width: w, height: h }, landmarks: [], score };
}

describe('YuNet decoder', () => {
  it('names the twelve outputs cls, obj, bbox, kps for strides 8, 16, 32', () => {
    expect(YUNET_OUTPUT_NAMES).toEqual([
      'cls_8', 'cls_16', 'cls_32', 'obj_8', 'obj_16', 'obj_32',
      'bbox_8', 'bbox_16', 'bbox_32', 'kps_8', 'kps_16', 'kps_32',
    ]);
  });

  it('pads sizes up to multiples of 32', () => {
    expect(padToMultiple(640)).toBe(640);
    expect(padToMultiple(360)).toBe(384);
    expect(padToMultiple(1)).toBe(32);
  });

  it('decodes one cell into a box, score and landmarks computed by hand', () => {
    // 64x32 padded input, stride 16: a 4x2 grid; cell 6 is row 1, col 2.
    const level = emptyLevel(16, 64, 32);
    const kps = [0.25, 0.5, 0.75, 0.5, 0.5, 1, 0.25, 1.5, 0.75, 1.5];
    setCell(level, 6, 0.64, 1.2 /* clamped to 1 */, [0.5, 0.25, Math.log(2), 0], kps);
    const faces = decodeYunetLevel(level, 64, 32, 0.5);
    expect(faces).toHaveLength(1);
    const [f] = faces;
    expect(f.score).toBeCloseTo(0.8, 6); // sqrt(0.64 · 1)
    // centre ((2 + 0.5)·16, (1 + 0.25)·16) = (40, 20); size (2·16, 1·16) = (32, 16)
    expect(f.box.x).toBeCloseTo(24, 5);
    expect(f.box.y).toBeCloseTo(12, 5);
    expect(f.box.width).toBeCloseTo(32, 5);
    expect(f.box.height).toBeCloseTo(16, 5);
    // landmark n = ((kps[2n] + col)·16, (kps[2n+1] + row)·16)
    const expected = [[36, 24], [44, 24], [40, 32], [36, 40], [44, 40]];
    f.landmarks.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(expected[i][0], 5);
      expect(y).toBeCloseTo(expected[i][1], 5);
    });
  });

  it('drops cells under the score threshold and treats negative scores as 0', () => {
    const level = emptyLevel(8, 32, 32);
    setCell(level, 0, 0.49, 0.49, [0, 0, 0, 0]); // score 0.49
    setCell(level, 1, -1, 1, [0, 0, 0, 0]); // clamped: score 0
    setCell(level, 2, 0.25, 1, [0, 0, 0, 0]); // score 0.5 exactly: kept
    const faces = decodeYunetLevel(level, 32, 32, 0.5);
    expect(faces.map((f) => f.score)).toEqual([0.5]);
    expect(faces[0].box.x).toBeCloseTo(2 * 8 - 4, 5); // centre col 2, width exp(0)·8
  });

  it('rejects outputs that do not match the grid', () => {
    const level = emptyLevel(32, 64, 64);
    expect(() => decodeYunetLevel(level, 64, 96, 0.5)).toThrow(/grid/);
    expect(() => decodeYunetLevel(level, 60, 64, 0.5)).toThrow(/multiple/);
  });

  it('decodes all strides and suppresses the duplicates of one face', () => {
    const [w, h] = [64, 64];
    const l8 = emptyLevel(8, w, h);
    const l16 = emptyLevel(16, w, h);
    const l32 = emptyLevel(32, w, h);
    // The same face, centre (24, 24) size 16x16, seen by stride 8 (cell row 3 col 3 -> 27) and 16 (row 1 col 1 -> 5).
    setCell(l8, 27, 0.81, 1, [0, 0, Math.log(2), Math.log(2)]); // score 0.9
    setCell(l16, 5, 0.49, 1, [0.5, 0.5, 0, 0]); // score 0.7, centre (24, 24)
    // A separate face at stride 32, row 1 col 1: centre (48, 48), 32x32: IoU with the first is 0.
    setCell(l32, 3, 0.36, 1, [0.5, 0.5, 0, 0]); // score 0.6
    const faces = decodeYunet([l8, l16, l32], w, h, { minScore: 0.5 });
    expect(faces.map((f) => Math.round(f.score * 100))).toEqual([90, 60]);
    const { x, y, width, height } = faces[0].box;
    [x, y, width, height].forEach((v) => expect(v).toBeCloseTo(16, 4));
  });

  describe('IoU and NMS', () => {
    it('computes IoU by hand', () => {
      expect(iou(face(0, 0, 10, 10, 1).box, face(5, 0, 10, 10, 1).box)).toBeCloseTo(50 / 150, 9);
      expect(iou(face(0, 0, 10, 10, 1).box, face(10, 0, 10, 10, 1).box)).toBe(0); // touching edges
      expect(iou(face(0, 0, 10, 10, 1).box, face(0, 0, 10, 10, 1).box)).toBe(1);
    });

    it('keeps the best of overlapping faces and all disjoint ones, best first', () => {
      const kept = nmsFaces(
        [face(0, 0, 10, 10, 0.7), face(1, 1, 10, 10, 0.9), face(50, 50, 10, 10, 0.8), face(51, 50, 10, 10, 0.6)],
        0.3,
      );
      expect(kept.map((f) => f.score)).toEqual([0.9, 0.8]);
    });

    it('keeps faces whose overlap is at or below the threshold', () => {
      // IoU 50/150 = 0.333 > 0.3 suppresses; IoU 20/180 = 0.11 keeps.
      expect(nmsFaces([face(0, 0, 10, 10, 0.9), face(5, 0, 10, 10, 0.8)], 0.3)).toHaveLength(1);
      expect(nmsFaces([face(0, 0, 10, 10, 0.9), face(8, 0, 10, 10, 0.8)], 0.3)).toHaveLength(2);
      expect(nmsFaces([], 0.3)).toEqual([]);
    });

    it('does not suppress by a face that was itself suppressed', () => {
      // b overlaps a (suppressed), c overlaps b only: c survives.
      const a = face(0, 0, 10, 10, 0.9);
      const b = face(4, 0, 10, 10, 0.8);
      const c = face(10, 0, 10, 10, 0.7);
      expect(nmsFaces([c, b, a], 0.3)).toEqual([a, c]);
    });
  });

  it('maps faces from a downscaled input back to the original', () => {
    const f: DetectedFace = { box: { x: 10, y: 20, width: 30, height: 40 }, landmarks: [[5, 6]], score: 0.9 };
    const back = unscaleFace(f, 0.5);
    expect(back.box).toEqual({ x: 20, y: 40, width: 60, height: 80 });
    expect(back.landmarks).toEqual([[10, 12]]);
    expect(back.score).toBe(0.9);
    const anisotropic = unscaleFace(f, 0.5, 0.25);
    expect(anisotropic.box).toEqual({ x: 20, y: 80, width: 60, height: 160 });
    expect(anisotropic.landmarks).toEqual([[10, 24]]);
  });
});
