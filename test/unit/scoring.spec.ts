import { GroundTruth, PredictedFace, scorePredictions, timeToName, type XYWH } from '../../src/bench/scoring';

const TILE: XYWH = [100, 100, 200, 200];
const OTHER_TILE: XYWH = [600, 100, 200, 200];
const inTile = (name: string, tile = TILE): PredictedFace => ({ name, box: [tile[0] + 50, tile[1] + 50, 80, 80], similarity: 0.5 });

/** Ada on frames 0–5 and again 8–9; Tony (not enrolled) on 2–4 in another tile. */
const truth: GroundTruth = {
  fps: 25,
  frames: Array.from({ length: 10 }, (_, frame) => ({
    frame,
    faces: [
      ...(frame <= 5 || frame >= 8 ? [{ identity: 'Ada_Lovelace', enrolled: true, tile_box: TILE }] : []),
      ...(frame >= 2 && frame <= 4 ? [{ identity: 'Tony_Blair', enrolled: false, tile_box: OTHER_TILE }] : []),
    ],
  })),
};

describe('timeToName', () => {
  it('counts, per appearance, the frames until the right name (or Unknown for someone not enrolled) is shown', () => {
    const predictions = new Map<number, PredictedFace[]>([
      [0, []],
      [1, [inTile('Unknown')]],
      [2, [inTile('Ada Lovelace'), inTile('Grace', OTHER_TILE)]],
      [3, [inTile('Ada Lovelace'), inTile('Unknown', OTHER_TILE)]],
      [8, [inTile('Ada_Lovelace')]],
    ]);
    expect(timeToName(truth, predictions)).toEqual([
      { identity: 'Ada_Lovelace', firstFrame: 0, lastFrame: 5, framesToName: 2, wrongNameFrames: 0 },
      { identity: 'Tony_Blair', firstFrame: 2, lastFrame: 4, framesToName: 1, wrongNameFrames: 1 },
      { identity: 'Ada_Lovelace', firstFrame: 8, lastFrame: 9, framesToName: 0, wrongNameFrames: 0 },
    ]);
  });

  it('reports null for an appearance never named right, and a name outside the tile does not count', () => {
    const predictions = new Map<number, PredictedFace[]>([[8, [inTile('Ada_Lovelace', OTHER_TILE)]]]);
    const result = timeToName(truth, predictions);
    expect(result.map((a) => a.framesToName)).toEqual([null, null, null]);
  });
});

describe('scorePredictions: wrong-name frames', () => {
  it('counts frames where a face carries someone else’s name, not those where an enrolled face is only Unknown', () => {
    const predictions = new Map<number, PredictedFace[]>([
      [0, [inTile('Unknown')]], // not named: a miss of the name, not a wrong name
      [1, [inTile('Grace')]], // someone else's name
      [2, [inTile('Ada_Lovelace'), inTile('Ada_Lovelace', OTHER_TILE)]], // the stranger named: wrong
      [3, [inTile('Ada_Lovelace'), inTile('Unknown', OTHER_TILE)]],
    ]);
    const score = scorePredictions(truth, predictions, [0, 1, 2, 3]);
    expect(score).toMatchObject({ correct: 3, wrongName: 3, wrongNameFrames: 2 });
    expect(timeToName(truth, predictions).map((a) => [a.identity, a.wrongNameFrames])).toEqual([
      ['Ada_Lovelace', 1],
      ['Tony_Blair', 1],
      ['Ada_Lovelace', 0],
    ]);
  });
});
