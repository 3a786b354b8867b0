/**
 * Scores what viewers saw against a per-frame ground truth, as testdata/README describes:
 * for each true face, the predicted face whose centre lies inside its tile box; correct
 * when the name matches (or "Unknown" for someone not enrolled).
 */

export type XYWH = [number, number, number, number];

export interface TruthFace {
  identity: string;
  enrolled: boolean;
  tile_box: XYWH;
}

export interface TruthFrame {
  frame: number;
  faces: TruthFace[];
}

export interface GroundTruth {
  fps: number;
  frames: TruthFrame[];
  expected_label_for_not_enrolled?: string;
}

export interface PredictedFace {
  name: string;
  box: XYWH;
  similarity: number;
}

export interface FramePrediction {
  frame: number;
  faces: PredictedFace[];
}

export interface Score {
  frames: number;
  truthFaces: number;
  correct: number;
  wrongName: number;
  /** Frames showing at least one face with someone else's name (a stranger named counts): the error that must stay 0. */
  wrongNameFrames: number;
  missed: number;
  /** Predicted faces not on any true face (includes faces on empty frames). */
  falsePositives: number;
  /** Frames without any true face that still showed a box. */
  emptyFramesWithBoxes: number;
  /** correct / truthFaces */
  accuracy: number;
}

const UNKNOWN = 'unknown';

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '_');
}

function centreInside(box: XYWH, tile: XYWH): boolean {
  const cx = box[0] + box[2] / 2;
  const cy = box[1] + box[3] / 2;
  return cx >= tile[0] && cx <= tile[0] + tile[2] && cy >= tile[1] && cy <= tile[1] + tile[3];
}

/** For each true face of a frame, the index of the predicted face taken for it (-1: none): the first unused one whose centre is in its tile. */
function assignFaces(truthFaces: readonly TruthFace[], predicted: readonly PredictedFace[]): number[] {
  const used = new Set<number>();
  return truthFaces.map((face) => {
    const index = predicted.findIndex((p, i) => !used.has(i) && centreInside(p.box, face.tile_box));
    if (index >= 0) used.add(index);
    return index;
  });
}

/** Scores the given frames; frames missing from `predictions` count as showing nothing. */
export function scorePredictions(truth: GroundTruth, predictions: Map<number, PredictedFace[]>, frames?: Iterable<number>): Score {
  const score: Score = { frames: 0, truthFaces: 0, correct: 0, wrongName: 0, wrongNameFrames: 0, missed: 0, falsePositives: 0, emptyFramesWithBoxes: 0, accuracy: 0 };
  const byFrame = new Map(truth.frames.map((f) => [f.frame, f]));
  const selected = frames ? [...frames] : truth.frames.map((f) => f.frame);
  for (const frameNumber of selected) {
    const truthFrame = byFrame.get(frameNumber);
    if (!truthFrame) continue;
    score.frames++;
    const predicted = predictions.get(frameNumber) ?? [];
    const assigned = assignFaces(truthFrame.faces, predicted);
    let wrongHere = false;
    truthFrame.faces.forEach((face, f) => {
      score.truthFaces++;
      const index = assigned[f];
      if (index < 0) {
        score.missed++;
        return;
      }
      const expected = face.enrolled ? normaliseName(face.identity) : UNKNOWN;
      const shown = normaliseName(predicted[index].name);
      if (shown === expected) score.correct++;
      else if (shown === UNKNOWN) score.wrongName++; // an enrolled face shown as Unknown: not named, but no one else's name
      else {
        score.wrongName++;
        wrongHere = true;
      }
    });
    if (wrongHere) score.wrongNameFrames++;
    const extra = predicted.length - assigned.filter((i) => i >= 0).length;
    score.falsePositives += extra;
    if (truthFrame.faces.length === 0 && predicted.length > 0) score.emptyFramesWithBoxes++;
  }
  score.accuracy = score.truthFaces ? score.correct / score.truthFaces : 1;
  return score;
}

/** One stretch of frames on which a person is on screen without a break. */
export interface Appearance {
  identity: string;
  firstFrame: number;
  lastFrame: number;
  /** Frames from the first one until the first showing the right name (0 = named on arrival); null: never named right. */
  framesToName: number | null;
  /** Frames of this appearance on which the face carried someone else's name. */
  wrongNameFrames: number;
}

/**
 * How soon each face is named right after it comes into view (the right name, or Unknown for
 * someone not enrolled), per appearance. Frames missing from `predictions` show nothing.
 */
export function timeToName(truth: GroundTruth, predictions: Map<number, PredictedFace[]>): Appearance[] {
  const frames = [...truth.frames].sort((a, b) => a.frame - b.frame);
  const open = new Map<string, Appearance>();
  const done: Appearance[] = [];
  let previousFrame = -Infinity;
  for (const truthFrame of frames) {
    const consecutive = truthFrame.frame === previousFrame + 1;
    previousFrame = truthFrame.frame;
    const onScreen = new Set(truthFrame.faces.map((f) => f.identity));
    for (const [identity, appearance] of open) {
      if (!consecutive || !onScreen.has(identity)) {
        done.push(appearance);
        open.delete(identity);
      }
    }
    const predicted = predictions.get(truthFrame.frame) ?? [];
    const assigned = assignFaces(truthFrame.faces, predicted);
    truthFrame.faces.forEach((face, f) => {
      let appearance = open.get(face.identity);
      if (!appearance) {
        appearance = { identity: face.identity, firstFrame: truthFrame.frame, lastFrame: truthFrame.frame, framesToName: null, wrongNameFrames: 0 };
        open.set(face.identity, appearance);
      }
      appearance.lastFrame = truthFrame.frame;
      const expected = face.enrolled ? normaliseName(face.identity) : UNKNOWN;
      const taken = assigned[f] >= 0 ? normaliseName(predicted[assigned[f]].name) : UNKNOWN;
      if (taken !== expected && taken !== UNKNOWN) appearance.wrongNameFrames++;
      if (appearance.framesToName !== null) return;
      const shown = predicted.some((p) => centreInside(p.box, face.tile_box) && normaliseName(p.name) === expected);
      if (shown) appearance.framesToName = truthFrame.frame - appearance.firstFrame;
    });
  }
  return [...done, ...open.values()].sort((a, b) => a.firstFrame - b.firstFrame || a.identity.localeCompare(b.identity));
}
