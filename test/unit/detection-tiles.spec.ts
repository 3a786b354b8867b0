import type { DetectedFace } from '../../src/recognition/face.types';
import {
  confirmationMosaic,
  cutByRegion,
  DEFAULT_CONFIRMATION,
  DEFAULT_SMALL_FACE_PASS,
  facesFromMosaic,
  mergePasses,
  mergeRegions,
  offsetFace,
  planSmallFacePasses,
  regionAround,
  tileGrid,
} from '../../src/recognition/engines/detection-tiles';

const face = (x: number, y: number, size: number, score = 0.9): DetectedFace => ({
  box: { x, y, width: size, height: size },
  landmarks: [
    [x + size * 0.3, y + size * 0.4],
    [x + size * 0.7, y + size * 0.4],
    [x + size * 0.5, y + size * 0.6],
    [x + size * 0.35, y + size * 0.8],
    [x + size * 0.65, y + size * 0.8],
  ],
  score,
});

describe('tileGrid', () => {
  it('covers the frame with overlapping tiles, row-major', () => {
    const tiles = tileGrid(1280, 720, 2, 96);
    expect(tiles).toEqual([
      { x: 0, y: 0, width: 688, height: 408 },
      { x: 592, y: 0, width: 688, height: 408 },
      { x: 0, y: 312, width: 688, height: 408 },
      { x: 592, y: 312, width: 688, height: 408 },
    ]);
  });

  it('puts every face up to the overlap wholly inside some tile', () => {
    const tiles = tileGrid(1280, 720, 2, 96);
    for (let x = 0; x + 96 <= 1280; x += 16) {
      for (let y = 0; y + 96 <= 720; y += 16) {
        const inside = tiles.some((t) => x >= t.x && y >= t.y && x + 96 <= t.x + t.width && y + 96 <= t.y + t.height);
        expect(inside).toBe(true);
      }
    }
  });

  it('is the whole frame for one tile a side', () => {
    expect(tileGrid(640, 480, 1, 50)).toEqual([{ x: 0, y: 0, width: 640, height: 480 }]);
  });
});

describe('regionAround', () => {
  it('centres a region of context x the face, at least minSide', () => {
    expect(regionAround({ x: 500, y: 300, width: 40, height: 40 }, 1280, 720, 3, 160)).toEqual({ x: 440, y: 240, width: 160, height: 160 });
    expect(regionAround({ x: 500, y: 300, width: 70, height: 70 }, 1280, 720, 3, 160)).toEqual({ x: 430, y: 230, width: 210, height: 210 });
  });

  it('shifts the region inside the frame at its edges', () => {
    expect(regionAround({ x: 0, y: 690, width: 40, height: 30 }, 1280, 720, 3, 160)).toEqual({ x: 0, y: 560, width: 160, height: 160 });
    expect(regionAround({ x: 1260, y: 0, width: 20, height: 20 }, 1280, 720, 3, 160)).toEqual({ x: 1120, y: 0, width: 160, height: 160 });
  });
});

describe('mergeRegions', () => {
  it('replaces overlapping regions by their union and keeps apart ones', () => {
    const merged = mergeRegions([
      { x: 0, y: 0, width: 100, height: 100 },
      { x: 50, y: 50, width: 100, height: 100 },
      { x: 500, y: 500, width: 10, height: 10 },
    ]);
    expect(merged).toEqual([
      { x: 0, y: 0, width: 150, height: 150 },
      { x: 500, y: 500, width: 10, height: 10 },
    ]);
  });
});

describe('planSmallFacePasses', () => {
  it('rotates through the tiles, one per frame', () => {
    const tiles = tileGrid(1280, 720, 2, 96);
    const planned = [0, 1, 2, 3, 4].map((n) => planSmallFacePasses(1280, 720, [], n, { ...DEFAULT_SMALL_FACE_PASS, tileOverlap: 96, tileEvery: 1 }));
    expect(planned.map((p) => p[0])).toEqual([tiles[0], tiles[1], tiles[2], tiles[3], tiles[0]]);
    expect(planned.every((p) => p.length === 1)).toBe(true);
  });

  it('scans a tile on every Nth frame only, the next tile each time', () => {
    const tiles = tileGrid(1280, 720, 2, 96);
    const planned = [0, 1, 2, 3, 4].map((n) => planSmallFacePasses(1280, 720, [], n, { ...DEFAULT_SMALL_FACE_PASS, tileOverlap: 96, tileEvery: 2 }));
    expect(planned).toEqual([[tiles[0]], [], [tiles[1]], [], [tiles[2]]]);
  });

  it('adds a region around each small face of the previous frame, not around large ones', () => {
    const plan = planSmallFacePasses(1280, 720, [{ x: 1000, y: 500, width: 40, height: 40 }, { x: 100, y: 100, width: 150, height: 150 }], 0);
    expect(plan).toHaveLength(2);
    expect(plan[0]).toEqual({ x: 940, y: 440, width: 160, height: 160 });
  });

  it('adds regions around small proposals, and no tile when tiles are off', () => {
    const plan = planSmallFacePasses(1280, 720, [], 0, { ...DEFAULT_SMALL_FACE_PASS, tileEvery: 0 }, [
      { x: 1000, y: 500, width: 30, height: 30 },
      { x: 100, y: 100, width: 150, height: 150 },
    ]);
    expect(plan).toEqual([{ x: 935, y: 435, width: 160, height: 160 }]);
    expect(planSmallFacePasses(1280, 720, [], 0, { ...DEFAULT_SMALL_FACE_PASS, tileEvery: 0 })).toEqual([]);
  });

  it('caps the face regions, smallest faces first', () => {
    const faces = [50, 30, 45, 60, 35].map((size, i) => ({ x: i * 250, y: 300, width: size, height: size }));
    const plan = planSmallFacePasses(1280, 720, faces, 0, { ...DEFAULT_SMALL_FACE_PASS, maxRegions: 2 });
    expect(plan).toHaveLength(3);
    expect(plan.slice(0, 2).map((r) => r.x)).toEqual([250 + 15 - 80, 1000 + 17.5 - 80].map(Math.round));
  });
});

describe('merging passes', () => {
  it('moves a face found in a region into frame coordinates', () => {
    const moved = offsetFace(face(10, 20, 40), 100, 200);
    expect(moved.box).toEqual({ x: 110, y: 220, width: 40, height: 40 });
    expect(moved.landmarks[0]).toEqual([122, 236]);
  });

  it('calls a face cut by an inner region edge, not by a frame edge', () => {
    const region = { x: 592, y: 0, width: 688, height: 408 };
    expect(cutByRegion(face(590, 100, 60), region, 1280, 720)).toBe(true);
    expect(cutByRegion(face(700, 380, 60), region, 1280, 720)).toBe(true);
    expect(cutByRegion(face(700, 0, 60), region, 1280, 720)).toBe(false);
    expect(cutByRegion(face(1230, 100, 50), region, 1280, 720)).toBe(false);
  });

  it('keeps one face per person across passes and adds faces only a region found', () => {
    const whole = [face(100, 100, 120, 0.95)];
    const tile = { x: 0, y: 0, width: 688, height: 408 };
    const merged = mergePasses(
      whole,
      [
        { region: tile, faces: [face(102, 101, 118, 0.97), face(400, 200, 40, 0.8), face(660, 50, 50, 0.9)] },
        { region: { x: 900, y: 500, width: 160, height: 160 }, faces: [face(960, 560, 38, 0.7)] },
      ],
      1280,
      720,
    );
    expect(merged.map((f) => [Math.round(f.box.x), f.score])).toEqual([
      [102, 0.97],
      [400, 0.8],
      [960, 0.7],
    ]);
  });

  it('returns the whole-frame faces unchanged when no pass adds any', () => {
    const whole = [face(100, 100, 120)];
    expect(mergePasses(whole, [{ region: { x: 0, y: 0, width: 640, height: 360 }, faces: [] }], 1280, 720)).toBe(whole);
  });
});

describe('the mosaic that checks tracked faces between recognitions', () => {
  it('puts each region in its own cell, side by side, scaled so the face is at most facePx and the region fits the cell', () => {
    const big = { x: 400, y: 200, width: 160, height: 200 };
    const small = { x: 1000, y: 500, width: 30, height: 36 };
    const { cells, width, height } = confirmationMosaic([big, small], 1280, 720);
    expect([width, height]).toEqual([2 * DEFAULT_CONFIRMATION.cell, DEFAULT_CONFIRMATION.cell]);
    expect(cells.map((c) => c.left)).toEqual([0, DEFAULT_CONFIRMATION.cell]);
    // The big face is scaled to facePx along its longer side; its region keeps 2.5x context.
    expect(big.height * cells[0].scale).toBeCloseTo(DEFAULT_CONFIRMATION.facePx, 6);
    expect(cells[0].region).toEqual(regionAround(big, 1280, 720, DEFAULT_CONFIRMATION.context, 1));
    // The small face is not enlarged.
    expect(cells[1].scale).toBe(1);
    for (const c of cells) {
      expect(c.width).toBeLessThanOrEqual(DEFAULT_CONFIRMATION.cell);
      expect(c.height).toBeLessThanOrEqual(DEFAULT_CONFIRMATION.cell);
      expect(c.width).toBe(Math.round(c.region.width * c.scale));
    }
  });

  it('shrinks a wide region until it fits its cell, whatever the face size', () => {
    const wide = { x: 100, y: 300, width: 120, height: 40 };
    const [cell] = confirmationMosaic([wide], 1280, 720).cells;
    expect(cell.region.width * cell.scale).toBeLessThanOrEqual(DEFAULT_CONFIRMATION.cell + 1e-9);
    expect(wide.width * cell.scale).toBeLessThanOrEqual(DEFAULT_CONFIRMATION.facePx + 1e-9);
  });

  it('maps faces found in the mosaic back to the frame, each by the cell holding its centre', () => {
    const boxes = [
      { x: 400, y: 200, width: 160, height: 200 },
      { x: 1000, y: 500, width: 30, height: 36 },
    ];
    const { cells } = confirmationMosaic(boxes, 1280, 720);
    // What the detector would report for each face inside its cell.
    const inMosaic = boxes.map((b, i) => {
      const c = cells[i];
      return face(c.left + (b.x - c.region.x) * c.scale, (b.y - c.region.y) * c.scale, b.width * c.scale);
    });
    const back = facesFromMosaic(inMosaic, cells, 1280, 720);
    expect(back).toHaveLength(2);
    for (const b of boxes) {
      const found = back.find((f) => Math.abs(f.box.x - b.x) < 1 && Math.abs(f.box.y - b.y) < 1);
      expect(found).toBeDefined();
      expect(found!.box.width).toBeCloseTo(b.width, 6);
      expect(found!.landmarks[0][0]).toBeGreaterThan(b.x);
      expect(found!.landmarks[0][0]).toBeLessThan(b.x + b.width);
    }
  });

  it('drops faces in the padding and faces cut by their region, and keeps a face found from two overlapping regions once', () => {
    const a = { x: 500, y: 300, width: 100, height: 100 };
    const b = { x: 530, y: 310, width: 100, height: 100 };
    const { cells } = confirmationMosaic([a, b], 1280, 720);
    const at = (i: number, box: { x: number; y: number; width: number }) =>
      face(cells[i].left + (box.x - cells[i].region.x) * cells[i].scale, (box.y - cells[i].region.y) * cells[i].scale, box.width * cells[i].scale);
    const sameFaceTwice = [at(0, a), at(1, a)];
    expect(facesFromMosaic(sameFaceTwice, cells, 1280, 720)).toHaveLength(1);
    const cut = face(cells[0].left + 0.5, 10, 20); // touches the region's left edge, which is not the frame's
    const inPadding = face(cells[0].left + cells[0].width + 2, DEFAULT_CONFIRMATION.cell - 12, 8);
    expect(facesFromMosaic([cut, inPadding], cells, 1280, 720)).toEqual([]);
  });
});
