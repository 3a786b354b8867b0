import type { BgrImage, Box } from '../../src/recognition/face.types';
import { FaceTracker, FrameContext, Recognition, TrackInput } from '../../src/tracking';
import { identityChangeSign } from '../../src/tracking/identity-change';
import { DEFAULT_TRACKER_OPTIONS } from '../../src/tracking/options';
import { appearanceDistance, appearanceSignature, frameThumbnail, SceneCutDetector, sceneChange } from '../../src/vision/frame-change';
import { landmarksOf, noise } from '../support/tracking-fixtures';

const THRESHOLD = 0.3;
const ADA: Recognition = { personId: 1, name: 'Ada', similarity: 0.62 };
const GRACE: Recognition = { personId: 2, name: 'Grace', similarity: 0.58 };
const STRANGER: Recognition = { personId: null, name: 'Unknown', similarity: 0.1 };
const BOX: Box = { x: 200, y: 150, width: 120, height: 120 };
/** Appearance signatures of two different faces (48 numbers each, as frame-change.ts makes them). */
const LOOK_ADA = Array.from({ length: 48 }, (_, i) => 120 + ((i * 37) % 60));
const LOOK_GRACE = Array.from({ length: 48 }, (_, i) => 60 + ((i * 53) % 170));

interface Step {
  box?: Box;
  look?: number[];
  /** What the matcher would say, if the tracker asks for an embedding. */
  is: Recognition;
  poor?: boolean;
  frame?: FrameContext;
}

/** Runs one face through the tracker, embedding only when asked; returns the view and reason per processed frame. */
function run(steps: Step[], tracker = new FaceTracker({ matchThreshold: THRESHOLD })) {
  return steps.map((step, i) => {
    const t = i * 2;
    const box = step.box ?? BOX;
    const input: TrackInput = { box, landmarks: landmarksOf(box), score: 0.9, appearance: step.look ?? LOOK_ADA, poorQuality: step.poor };
    const [plan] = tracker.planEmbeddings(t, [input], step.frame);
    if (plan.embed) input.recognition = step.is;
    const update = tracker.update(t, [input], step.frame);
    const view = update.tracks.find((v) => v.trackId === update.trackIds[0])!;
    return { reason: plan.reason, name: view.name, similarity: view.similarity, status: view.status };
  });
}

const settledAda = (n = 8): Step[] => Array.from({ length: n }, () => ({ is: ADA }));

describe('a name belongs to a face: the tracker', () => {
  it('settles on a still face and stops embedding it (the budget this is about)', () => {
    const out = run(settledAda(7));
    expect(out.map((o) => o.reason)).toEqual(['new', 'uncertain', 'reuse', 'reuse', 'reuse', 'reuse', 'stale']);
    expect(out.every((o) => o.name === 'Ada')).toBe(true);
  });

  it('at a scene cut re-embeds a settled track on that frame and shows the stranger now there as Unknown', () => {
    const out = run([...settledAda(4), { is: STRANGER, frame: { sceneCut: true } }, { is: STRANGER }]);
    expect(out[3]).toMatchObject({ reason: 'reuse', name: 'Ada' });
    expect(out[4]).toMatchObject({ reason: 'scene-cut', name: 'Unknown', similarity: STRANGER.similarity });
    expect(out[5]).toMatchObject({ name: 'Unknown' });
  });

  it('at a scene cut names the enrolled person now in the box, with their own similarity', () => {
    const out = run([...settledAda(4), { is: GRACE, frame: { sceneCut: true } }]);
    expect(out[4]).toMatchObject({ reason: 'scene-cut', name: 'Grace', similarity: GRACE.similarity });
  });

  it('keeps the name through a cut when the face is still the same person', () => {
    const out = run([...settledAda(4), { is: ADA, frame: { sceneCut: true } }, { is: ADA }]);
    expect(out.slice(4).map((o) => o.name)).toEqual(['Ada', 'Ada']);
    expect(out[5].reason).toBe('reuse'); // settled again at once: the history of the same face is kept
  });

  it('does not let the settled state survive a cut even when the face there cannot be embedded (poor view)', () => {
    const out = run([...settledAda(4), { is: GRACE, poor: true, frame: { sceneCut: true } }, { is: ADA }]);
    expect(out[4]).toMatchObject({ reason: 'poor-quality', name: 'Unknown', status: 'pending', similarity: 0 });
    expect(out[5]).toMatchObject({ reason: 'uncertain', name: 'Ada' });
  });

  it('re-embeds at once when the box looks different (another face in the same place) and drops the name', () => {
    const out = run([...settledAda(4), { is: STRANGER, look: LOOK_GRACE }]);
    expect(out[4]).toMatchObject({ reason: 'appearance', name: 'Unknown', similarity: STRANGER.similarity });
  });

  it('does not blank a known face for a turned or shrinking view it cannot embed, unless the look is clearly another', () => {
    const smaller: Box = { x: 217.5, y: 167.5, width: 85, height: 85 }; // 1.41x smaller, overlapping enough not to count as a jump
    const slightlyOff = LOOK_ADA.map((v, i) => v + (i % 2 ? 18 : -18)); // a turned head: 0.07 away, enough to re-embed a good view
    const out = run([...settledAda(4), { is: STRANGER, poor: true, box: smaller }, { is: STRANGER, poor: true, look: slightlyOff }, { is: STRANGER, poor: true, look: LOOK_GRACE }]);
    expect(out.slice(4).map((o) => [o.reason, o.name])).toEqual([
      ['poor-quality', 'Ada'],
      ['poor-quality', 'Ada'],
      ['poor-quality', 'Unknown'],
    ]);
  });

  it('re-embeds at once when the box changes size a lot', () => {
    const bigger: Box = { x: 176, y: 126, width: 168, height: 168 }; // 1.4x, still overlapping enough not to count as a jump
    const out = run([...settledAda(4), { is: GRACE, box: bigger }]);
    expect(out[4]).toMatchObject({ reason: 'resized', name: 'Grace' });
  });

  it('re-embeds a track found again after it was lost (occlusion), and drops the name if someone else came back', () => {
    const tracker = new FaceTracker({ matchThreshold: THRESHOLD });
    run(settledAda(4), tracker);
    tracker.update(8, []); // missed on one processed frame: coasting
    const input: TrackInput = { box: BOX, landmarks: landmarksOf(BOX), score: 0.9, appearance: LOOK_ADA };
    const [plan] = tracker.planEmbeddings(10, [input]);
    expect(plan).toMatchObject({ embed: true, reason: 'reappeared' });
    input.recognition = STRANGER;
    const { tracks } = tracker.update(10, [input]);
    expect(tracks[0]).toMatchObject({ trackId: plan.trackId, name: 'Unknown' });
  });

  it('never shows the similarity of an earlier face: after the contrary view, the current face’s', () => {
    const out = run([...settledAda(3), { is: { ...STRANGER, similarity: 0.21 }, frame: { sceneCut: true } }]);
    expect(out[2].similarity).toBeCloseTo(ADA.similarity, 6);
    expect(out[3].similarity).toBeCloseTo(0.21, 6);
  });
});

describe('between recognitions (the quick check that a tracked face is still there)', () => {
  it('draws a face found in a named track’s place that looks like another face without the name or its numbers', () => {
    const tracker = new FaceTracker({ matchThreshold: THRESHOLD });
    run(settledAda(3), tracker);
    const views = tracker.boxesAt(5);
    const found = (appearance: number[]) => [{ box: BOX, landmarks: landmarksOf(BOX), score: 0.9, appearance }];
    expect(tracker.confirm(views, found(LOOK_ADA))).toEqual([expect.objectContaining({ name: 'Ada', similarity: ADA.similarity })]);
    expect(tracker.confirm(views, found(LOOK_GRACE))).toEqual([
      expect.objectContaining({ trackId: views[0].trackId, name: 'Unknown', personId: null, similarity: 0, confidence: 0 }),
    ]);
  });
});

describe('identityChangeSign', () => {
  const detection = (box: Box, appearance = LOOK_ADA) => ({ box, landmarks: landmarksOf(box), score: 0.9, appearance });
  const evidence = { sceneCut: false, jumped: false, reappeared: false, lastRecognised: { appearance: LOOK_ADA, height: 120 } };

  it('finds no sign for the same look at the same size', () => {
    expect(identityChangeSign({ ...evidence, detection: detection(BOX) }, DEFAULT_TRACKER_OPTIONS)).toBeNull();
  });

  it('names the first sign, the cut before the others', () => {
    const o = DEFAULT_TRACKER_OPTIONS;
    expect(identityChangeSign({ ...evidence, sceneCut: true, jumped: true, detection: detection(BOX) }, o)).toBe('scene-cut');
    expect(identityChangeSign({ ...evidence, detection: detection({ ...BOX, height: 60 }) }, o)).toBe('resized');
    expect(identityChangeSign({ ...evidence, detection: detection(BOX, LOOK_GRACE) }, o)).toBe('appearance');
    expect(identityChangeSign({ ...evidence, lastRecognised: undefined, detection: detection(BOX, LOOK_GRACE) }, o)).toBeNull();
  });
});

/** A synthetic BGR frame: a smooth gradient background, a "face" square, optional noise. */
function image(width: number, height: number, paint: (x: number, y: number) => [number, number, number], seed?: number): BgrImage {
  const data = new Uint8Array(width * height * 3);
  const rand = seed === undefined ? () => 0 : noise(seed);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = paint(x, y);
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, px[c] + 6 * rand()));
    }
  }
  return { width, height, data };
}

describe('frame-change (pixel tests run with detection)', () => {
  const street = (dx: number) => (x: number, y: number): [number, number, number] => {
    const inFace = x >= 100 + dx && x < 180 + dx && y >= 60 && y < 140;
    return inFace ? [90, 130, 200] : [(x * 2) % 256, (y * 3) % 256, 128];
  };
  const otherStreet = (x: number, y: number): [number, number, number] => [255 - ((y * 2) % 256), 60, (x * 5) % 256];

  it('sees no cut when a face moves and the camera is noisy, and a cut when the scene changes', () => {
    const a = frameThumbnail(image(320, 180, street(0), 1));
    const b = frameThumbnail(image(320, 180, street(12), 2));
    const c = frameThumbnail(image(320, 180, otherStreet, 3));
    expect(sceneChange(a, b).cut).toBe(false);
    expect(sceneChange(b, c)).toMatchObject({ cut: true });
    expect(sceneChange(undefined, c).cut).toBe(false);
  });

  it('keeps one previous thumbnail per camera', () => {
    const detector = new SceneCutDetector();
    expect(detector.check('door', frameThumbnail(image(320, 180, street(0)))).cut).toBe(false);
    expect(detector.check('yard', frameThumbnail(image(320, 180, otherStreet))).cut).toBe(false); // another camera's first frame
    expect(detector.check('door', frameThumbnail(image(320, 180, street(4)))).cut).toBe(false);
    expect(detector.check('door', frameThumbnail(image(320, 180, otherStreet))).cut).toBe(true);
    detector.forget('door');
    expect(detector.check('door', frameThumbnail(image(320, 180, street(0)))).cut).toBe(false);
  });

  it('gives the same face a near signature and another face a far one, whatever the overall brightness', () => {
    // a: light above (forehead), darker below; b: dark on the left (hair), warmer skin.
    const faceA = (shade: number) => image(200, 200, (x, y) => (y < 100 ? [shade + 40, shade + 50, shade + 60] : [shade, shade + 10, shade + 20]));
    const faceB = image(200, 200, (x) => (x < 90 ? [40, 40, 50] : [110, 140, 190]));
    const box: Box = { x: 40, y: 40, width: 120, height: 120 };
    const a = appearanceSignature(faceA(100), box);
    const aLater = appearanceSignature(faceA(100), { ...box, x: 42, y: 41 });
    const aBrighter = appearanceSignature(faceA(140), box);
    const b = appearanceSignature(faceB, box);
    expect(a).toHaveLength(48);
    expect(appearanceDistance(a, aLater)).toBeLessThan(DEFAULT_TRACKER_OPTIONS.appearanceChange);
    expect(appearanceDistance(a, aBrighter)).toBeLessThan(DEFAULT_TRACKER_OPTIONS.appearanceChange);
    expect(appearanceDistance(a, b)).toBeGreaterThanOrEqual(DEFAULT_TRACKER_OPTIONS.appearanceChange);
  });

  it('stays inside the image for a box at the edge', () => {
    const img = image(100, 80, () => [10, 20, 30]);
    expect(appearanceSignature(img, { x: 70, y: 50, width: 60, height: 60 }).every((v) => Number.isFinite(v))).toBe(true);
  });
});
