import type { Box, Point } from '../../src/recognition/face.types';
import { landmarksOf, noise } from '../support/tracking-fixtures';
import {
  DEFAULT_TRACKER_OPTIONS,
  EmbeddingDecision,
  FaceTracker,
  isPoorView,
  Recognition,
  resolveTrackerOptions,
  TrackInput,
  TrackView,
} from '../../src/tracking';

const THRESHOLD = 0.3;
const ADA: Recognition = { personId: 1, name: 'Ada', similarity: 0.62 };
const GRACE: Recognition = { personId: 2, name: 'Grace', similarity: 0.58 };
const LINUS: Recognition = { personId: 3, name: 'Linus', similarity: 0.66 };
const STRANGER: Recognition = { personId: null, name: 'Unknown', similarity: 0.12 };


const boxErr = (a: Box, b: Box) =>
  Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y), Math.abs(a.width - b.width), Math.abs(a.height - b.height));


/** A face in a synthetic video. */
interface SimFace {
  key: string;
  /** Where the face truly is on frame t (for checking drawn boxes). */
  truth(t: number): Box | null;
  /** What the detector reports on frame t (truth plus jitter); null when it does not see the face. */
  detect?(t: number): Box | null;
  /** What the matcher says when this face is embedded on frame t. */
  recognize(t: number): Recognition;
  poor?(t: number): boolean;
}

interface Sim {
  tracker: FaceTracker;
  /** Boxes drawn on each frame (after that frame's update when it was processed, as the stream renders a chosen frame). */
  views: TrackView[][];
  /** Embedding decisions per processed frame, by face key. */
  plans: Map<number, Map<string, EmbeddingDecision>>;
  /** Track id given to each face on each processed frame that saw it. */
  ids: Map<string, Map<number, number>>;
  detections: number;
  embeddings: number;
}

function simulate(
  faces: SimFace[],
  frames: number,
  { every = 2, embedAll = false, plan = true, tracker = new FaceTracker({ matchThreshold: THRESHOLD }) } = {},
): Sim {
  const sim: Sim = { tracker, views: [], plans: new Map(), ids: new Map(faces.map((f) => [f.key, new Map()])), detections: 0, embeddings: 0 };
  for (let t = 0; t < frames; t++) {
    if (t % every === 0) {
      const seen = faces.flatMap((f) => {
        const box = (f.detect ?? f.truth)(t);
        return box ? [{ face: f, box }] : [];
      });
      const inputs: TrackInput[] = seen.map(({ face, box }) => ({ box, landmarks: landmarksOf(box), score: 0.9, poorQuality: face.poor?.(t) }));
      const decisions = plan ? tracker.planEmbeddings(t, inputs) : inputs.map(() => ({ embed: true, reason: 'new' as const, trackId: null }));
      sim.plans.set(t, new Map(seen.map(({ face }, i) => [face.key, decisions[i]])));
      seen.forEach(({ face }, i) => {
        if (embedAll || decisions[i].embed) {
          inputs[i].recognition = face.recognize(t);
          sim.embeddings++;
        }
      });
      sim.detections += inputs.length;
      const { trackIds } = tracker.update(t, inputs);
      seen.forEach(({ face }, i) => sim.ids.get(face.key)!.set(t, trackIds[i]));
    }
    sim.views.push(tracker.boxesAt(t));
  }
  return sim;
}

/** The one track id a face had over its life (fails if it changed). */
function onlyId(sim: Sim, key: string): number {
  const ids = new Set(sim.ids.get(key)!.values());
  expect([...ids]).toHaveLength(1);
  return [...ids][0];
}

const viewOf = (sim: Sim, t: number, trackId: number) => sim.views[t].find((v) => v.trackId === trackId);

const linear =
  (x0: number, y0: number, vx: number, vy: number, size = 80, grow = 0) =>
  (t: number): Box => ({ x: x0 + vx * t, y: y0 + vy * t, width: size + grow * t, height: size + grow * t });

const jittered = (truth: (t: number) => Box | null, amplitude: number, seed: number) => {
  const rand = noise(seed);
  return (t: number): Box | null => {
    const b = truth(t);
    return b && { x: b.x + amplitude * rand(), y: b.y + amplitude * rand(), width: b.width + amplitude * rand(), height: b.height + amplitude * rand() };
  };
};

describe('FaceTracker: motion', () => {
  it('keeps a linearly moving face as one track and draws it within a pixel of the truth on every frame in between', () => {
    const truth = linear(40, 60, 5, 2, 80, 0.2);
    const sim = simulate([{ key: 'a', truth, recognize: () => ADA }], 150, { every: 3 });
    const id = onlyId(sim, 'a');
    expect(sim.tracker.size).toBe(1);
    // Holding the last detected box would be 5-10 px off on the frames in between.
    expect(boxErr(truth(5), truth(3))).toBeGreaterThanOrEqual(10);
    for (let t = 3; t < 150; t++) {
      expect(sim.views[t]).toHaveLength(1);
      expect(viewOf(sim, t, id)).toBeDefined();
      expect(boxErr(viewOf(sim, t, id)!.box, truth(t))).toBeLessThan(0.5);
    }
  });

  it('with detector jitter, stays within a few px, closer than the raw detections held between frames', () => {
    const truth = linear(40, 300, 6, -1, 90);
    const detect = jittered(truth, 3, 11);
    const detections = new Map<number, Box>();
    const record = (t: number) => {
      const b = detect(t)!;
      detections.set(t, b);
      return b;
    };
    const sim = simulate([{ key: 'a', truth, detect: record, recognize: () => ADA }], 200, { every: 2 });
    const id = onlyId(sim, 'a');
    let tracked = 0;
    let held = 0;
    let worst = 0;
    for (let t = 20; t < 200; t++) {
      const e = boxErr(viewOf(sim, t, id)!.box, truth(t));
      worst = Math.max(worst, e);
      tracked += e;
      held += boxErr(detections.get(t - (t % 2))!, truth(t));
    }
    expect(worst).toBeLessThan(6);
    expect(tracked / 180).toBeLessThan(3);
    expect(tracked).toBeLessThan(0.8 * held);
  });

  it('follows a fast face by centre distance when its first boxes do not overlap, and learns its speed', () => {
    const truth = linear(0, 100, 25, 0, 60); // 75 px between detections, wider than the box
    const sim = simulate([{ key: 'a', truth, recognize: () => ADA }], 30, { every: 3 });
    onlyId(sim, 'a');
    expect(sim.plans.get(3)!.get('a')).toMatchObject({ embed: true, reason: 'jump' });
    // Re-anchored on the jump, the prediction is right from then on: no more jumps.
    for (let t = 6; t < 30; t += 3) expect(sim.plans.get(t)!.get('a')!.reason).not.toBe('jump');
    for (let t = 6; t < 30; t++) expect(boxErr(sim.views[t][0].box, truth(t))).toBeLessThan(0.5);
  });

  it('re-anchors on a sudden reversal instead of drifting the wrong way', () => {
    const truth = (t: number): Box => ({ x: t <= 20 ? 100 + 12 * t : 340 - 12 * (t - 20), y: 100, width: 60, height: 60 });
    const sim = simulate([{ key: 'a', truth, recognize: () => ADA }], 40);
    onlyId(sim, 'a');
    expect(sim.plans.get(22)!.get('a')).toMatchObject({ embed: true, reason: 'jump' });
    for (let t = 22; t < 40; t++) expect(boxErr(sim.views[t][0].box, truth(t))).toBeLessThan(0.5);
  });
});

describe('FaceTracker: life cycle', () => {
  it('drops a face that left after the grace period, with no ghost box afterwards', () => {
    const grace = DEFAULT_TRACKER_OPTIONS.maxCoastFrames;
    const truth = linear(100, 100, 4, 0);
    const sim = simulate([{ key: 'a', truth: (t) => (t <= 40 ? truth(t) : null), recognize: () => ADA }], 80);
    const id = onlyId(sim, 'a');
    for (let t = 41; t <= 40 + grace; t++) {
      const v = viewOf(sim, t, id);
      expect(v).toBeDefined();
      expect(v!.name).toBe('Ada');
      expect(v!.lost).toBe(t >= 42); // the update on frame 42 is the first that misses it
      expect(boxErr(v!.box, truth(t))).toBeLessThan(0.5); // still predicted along its path
    }
    for (let t = 41 + grace; t < 80; t++) expect(sim.views[t]).toEqual([]);
    expect(sim.tracker.size).toBe(0);
  });

  it('gives a new face a new track, asks to embed it at once, and names it on that frame', () => {
    const a = linear(100, 100, 1, 0);
    const b = linear(500, 120, -1, 0);
    const sim = simulate(
      [
        { key: 'a', truth: a, recognize: () => ADA },
        { key: 'b', truth: (t) => (t >= 40 ? b(t) : null), recognize: () => GRACE },
      ],
      60,
    );
    expect(sim.plans.get(40)!.get('b')).toEqual({ embed: true, reason: 'new', trackId: null });
    expect(sim.plans.get(40)!.get('a')).toMatchObject({ embed: false, reason: 'reuse' });
    const idA = onlyId(sim, 'a');
    const idB = onlyId(sim, 'b');
    expect(idB).not.toBe(idA);
    expect(viewOf(sim, 40, idB)).toMatchObject({ name: 'Grace', personId: 2 });
    expect(sim.views[39].map((v) => v.trackId)).toEqual([idA]);
  });

  it('does not hand a lost track to a face appearing elsewhere during its grace period', () => {
    const sim = simulate(
      [
        { key: 'a', truth: (t) => (t <= 40 ? linear(100, 100, 2, 0)(t) : null), recognize: () => ADA },
        { key: 'b', truth: (t) => (t >= 44 ? linear(700, 400, 0, 0)(t) : null), recognize: () => GRACE },
      ],
      60,
    );
    expect(sim.plans.get(44)!.get('b')).toMatchObject({ embed: true, reason: 'new', trackId: null });
    expect(onlyId(sim, 'b')).not.toBe(onlyId(sim, 'a'));
    expect(viewOf(sim, 44, onlyId(sim, 'a'))).toMatchObject({ name: 'Ada', lost: true }); // still coasting on its own
  });

  it('drops a one-frame false detection at the next processed frame instead of letting it coast', () => {
    const sim = simulate(
      [
        { key: 'real', truth: linear(100, 100, 1, 0), recognize: () => ADA },
        { key: 'blip', truth: (t) => (t === 20 ? { x: 600, y: 300, width: 70, height: 70 } : null), recognize: () => STRANGER },
      ],
      40,
    );
    const blip = onlyId(sim, 'blip');
    expect(viewOf(sim, 20, blip)).toBeDefined();
    expect(viewOf(sim, 21, blip)).toBeDefined(); // shown until the next detection says otherwise
    for (let t = 22; t < 40; t++) expect(viewOf(sim, t, blip)).toBeUndefined();
  });

  it('does not show a track before its first detection (a lagging render asks for an older frame)', () => {
    const tracker = new FaceTracker({ matchThreshold: THRESHOLD });
    tracker.update(10, [{ box: { x: 0, y: 0, width: 50, height: 50 }, landmarks: [], score: 0.9 }]);
    expect(tracker.boxesAt(9)).toEqual([]);
    expect(tracker.boxesAt(10)).toHaveLength(1);
  });

  it('starts over when the frame index goes back, and never reuses a track id', () => {
    const tracker = new FaceTracker({ matchThreshold: THRESHOLD });
    const face = (x: number): TrackInput => ({ box: { x, y: 0, width: 50, height: 50 }, landmarks: [], score: 0.9, recognition: ADA });
    const first = tracker.update(100, [face(0)]).trackIds[0];
    tracker.update(102, [face(2)]);
    expect(tracker.planEmbeddings(5, [face(0)])[0]).toMatchObject({ reason: 'new', trackId: null });
    const { trackIds, tracks } = tracker.update(5, [face(0)]);
    expect(trackIds[0]).not.toBe(first);
    expect(tracks.map((t) => t.trackId)).toEqual([trackIds[0]]);
    expect(tracker.size).toBe(1);
    tracker.reset();
    expect(tracker.size).toBe(0);
    expect(tracker.update(0, [face(0)]).trackIds[0]).toBeGreaterThan(trackIds[0]);
  });
});

describe('FaceTracker: crossing faces', () => {
  const a = linear(50, 100, 6, 0);
  const b = linear(530, 110, -6, 0); // meets a around frame 40, 10 px lower: their boxes overlap by IoU 0.78

  function expectKept(sim: Sim, frames: number) {
    const idA = onlyId(sim, 'a');
    const idB = onlyId(sim, 'b');
    expect(idA).not.toBe(idB);
    for (let t = 2; t < frames; t++) {
      expect(viewOf(sim, t, idA)).toMatchObject({ name: 'Ada', personId: 1 });
      expect(viewOf(sim, t, idB)).toMatchObject({ name: 'Grace', personId: 2 });
      expect(boxErr(viewOf(sim, t, idA)!.box, a(t))).toBeLessThan(1);
      expect(boxErr(viewOf(sim, t, idB)!.box, b(t))).toBeLessThan(1);
    }
  }

  it('keeps both identities and boxes through the crossing, re-checking identity while they overlap', () => {
    const sim = simulate(
      [
        { key: 'a', truth: a, recognize: () => ADA },
        { key: 'b', truth: b, recognize: () => GRACE },
      ],
      80,
    );
    expectKept(sim, 80);
    const reasonsOf = (key: string) => [...sim.plans.entries()].filter(([t]) => t >= 30 && t <= 54).map(([t, m]) => [t, m.get(key)!.reason]);
    // Boxes overlap (IoU ≥ 0.1) on frames 36..44; the tracks stay re-checked for swapGuardFrames (6) after.
    const expected = [30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54].map((t) => [t, t >= 36 && t <= 50 ? 'overlap' : expect.not.stringMatching('overlap')]);
    expect(reasonsOf('a')).toEqual(expected);
    expect(reasonsOf('b')).toEqual(expected);
    expect(sim.plans.get(36)!.get('a')!.embed).toBe(true);
  });

  it('keeps them when the face behind is hidden for a while: it coasts and is picked up again', () => {
    const hidden = (t: number) => Math.abs(a(t).x - b(t).x) < 40; // frames 37..43: the detector sees only a
    const sim = simulate(
      [
        { key: 'a', truth: a, recognize: () => ADA },
        { key: 'b', truth: b, detect: (t) => (hidden(t) ? null : b(t)), recognize: () => GRACE },
      ],
      80,
    );
    expect([...sim.ids.get('b')!.keys()].filter((t) => t > 30 && t < 50)).toEqual([32, 34, 36, 44, 46, 48]);
    expectKept(sim, 80);
    // While b is hidden, a's box covers b's predicted one: a is re-checked, in case it is b.
    expect(sim.plans.get(40)!.get('a')).toMatchObject({ embed: true, reason: 'overlap' });
  });

  it('recovers when identities did swap: the first contrary vote renames the track', () => {
    const sim = simulate(
      [
        { key: 'a', truth: a, recognize: (t) => (t < 50 ? ADA : GRACE) }, // from frame 50 the matcher sees Grace in a's box
        { key: 'b', truth: b, recognize: () => GRACE },
      ],
      80,
    );
    const idA = onlyId(sim, 'a');
    const renamed = sim.views.findIndex((views, t) => t >= 50 && views.find((v) => v.trackId === idA)?.name === 'Grace');
    expect(renamed).toBeGreaterThanOrEqual(50);
    // The first contrary vote comes at the next refresh and renames it.
    expect(renamed).toBeLessThanOrEqual(50 + DEFAULT_TRACKER_OPTIONS.refreshFrames);
  });
});

describe('FaceTracker: identity', () => {
  it('takes the name away on one recognition of someone else, and gives it back on the next strong view if that one was odd', () => {
    const sim = simulate([{ key: 'a', truth: linear(100, 100, 2, 0), recognize: (t) => (t === 32 ? LINUS : ADA) }], 60, { embedAll: true });
    const id = onlyId(sim, 'a');
    for (let t = 0; t < 60; t++) expect(viewOf(sim, t, id)!.name).toBe(t === 32 || t === 33 ? 'Linus' : 'Ada');
    // With the budget: the matcher errs on a refresh; the track is re-checked on the next processed frame.
    const budget = simulate([{ key: 'a', truth: linear(100, 100, 2, 0), recognize: (t) => (t === 22 ? STRANGER : ADA) }], 60);
    const reasons = (from: number, to: number) => [...budget.plans.entries()].filter(([t]) => t >= from && t < to).map(([, m]) => m.get('a')!.reason);
    expect(reasons(12, 28)).toEqual(['stale', 'reuse', 'reuse', 'reuse', 'reuse', 'stale', 'uncertain', 'uncertain']);
    expect(budget.views[22][0].name).toBe('Unknown');
    for (let t = 24; t < 60; t++) expect(budget.views[t][0].name).toBe('Ada');
  });

  it('keeps an unknown face Unknown, even through a weak false match, without re-embedding it every frame', () => {
    const rand = noise(3);
    const sim = simulate(
      [{ key: 's', truth: linear(200, 200, 1, 1), recognize: (t) => (t === 60 ? { ...ADA, similarity: 0.33 } : { ...STRANGER, similarity: 0.15 + 0.08 * rand() }) }],
      200,
      { embedAll: true },
    );
    const id = onlyId(sim, 's');
    for (let t = 0; t < 200; t++) expect(viewOf(sim, t, id)).toMatchObject({ name: 'Unknown', personId: null });
    expect(viewOf(sim, 199, id)).toMatchObject({ status: 'unknown' });
    expect(viewOf(sim, 199, id)!.confidence).toBeGreaterThan(90);
    const budgeted = simulate([{ key: 's', truth: linear(200, 200, 1, 1), recognize: () => STRANGER }], 200);
    expect(budgeted.embeddings / budgeted.detections).toBeLessThan(0.25);
  });

  it('does not name a face from poor views, tracks and draws it anyway, and names it once a good view comes', () => {
    const truth = linear(100, 100, 2, 0);
    const sim = simulate([{ key: 'a', truth, recognize: () => ADA, poor: (t) => t < 30 }], 50, { embedAll: true });
    const id = onlyId(sim, 'a');
    for (let t = 0; t < 30; t++) {
      expect(viewOf(sim, t, id)).toMatchObject({ name: 'Unknown', personId: null, status: 'pending' });
      expect(boxErr(viewOf(sim, t, id)!.box, truth(t))).toBeLessThan(t >= 2 ? 0.5 : 4);
    }
    expect(viewOf(sim, 30, id)).toMatchObject({ name: 'Ada', personId: 1 });
    // The budget does not spend embeddings on poor views, and asks as soon as the view is good.
    const budget = simulate([{ key: 'a', truth, recognize: () => ADA, poor: (t) => t < 30 }], 50);
    for (let t = 0; t < 30; t += 2) expect(budget.plans.get(t)!.get('a')).toMatchObject({ embed: false, reason: 'poor-quality' });
    expect(budget.plans.get(30)!.get('a')).toMatchObject({ embed: true, reason: 'uncertain' });
  });

  it('does not let poor views with a wrong name unsettle a named track', () => {
    const sim = simulate([{ key: 'a', truth: linear(100, 100, 2, 0), recognize: (t) => (t >= 20 ? LINUS : ADA), poor: (t) => t >= 20 }], 60, { embedAll: true });
    for (let t = 0; t < 60; t++) expect(sim.views[t][0].name).toBe('Ada');
  });
});

describe('FaceTracker: embedding budget', () => {
  const faces = () => [
    { key: 'a', truth: linear(100, 100, 0.2, 0.2), recognize: () => ADA },
    { key: 'b', truth: linear(600, 120, -0.2, 0.1), recognize: () => GRACE },
    { key: 's', truth: linear(900, 300, 0.1, -0.2, 70), recognize: () => STRANGER },
  ];

  it('embeds under a quarter of the detections on a long stable scene, and still names every face on every frame', () => {
    const jitteredFaces = faces().map((f, i) => ({ ...f, detect: jittered(f.truth, 2, 100 + i) }));
    const sim = simulate(jitteredFaces, 600);
    expect(sim.detections).toBe(900);
    const ratio = sim.embeddings / sim.detections;
    expect(ratio).toBeLessThan(0.25);
    expect(ratio).toBeGreaterThan(1 / DEFAULT_TRACKER_OPTIONS.refreshFrames); // still refreshed every K frames
    const names = { a: 'Ada', b: 'Grace', s: 'Unknown' } as const;
    for (const key of ['a', 'b', 's'] as const) {
      const id = onlyId(sim, key);
      for (let t = 0; t < 600; t++) expect(viewOf(sim, t, id)!.name).toBe(names[key]);
    }
    // Jitter alone is never mistaken for a jump or an overlap.
    const reasons = new Set([...sim.plans.values()].flatMap((m) => [...m.values()].map((d) => d.reason)));
    expect([...reasons].sort()).toEqual(['new', 'reuse', 'stale', 'uncertain']);
  });

  it('re-embeds a settled track every refreshFrames frames (configurable)', () => {
    const embeddedAt = (refreshFrames: number) => {
      const tracker = new FaceTracker({ matchThreshold: THRESHOLD, refreshFrames });
      const sim = simulate([faces()[0]], 100, { tracker });
      return [...sim.plans.entries()].filter(([, m]) => m.get('a')!.embed).map(([t]) => t);
    };
    expect(embeddedAt(10)).toEqual([0, 2, 12, 22, 32, 42, 52, 62, 72, 82, 92]);
    expect(embeddedAt(20)).toEqual([0, 2, 22, 42, 62, 82]);
  });

  it('is read-only: planning or not planning gives the same tracks', () => {
    const withPlan = simulate(faces(), 100, { embedAll: true });
    const without = simulate(faces(), 100, { embedAll: true, plan: false });
    expect(without.views).toEqual(withPlan.views);
  });
});

describe('isPoorView', () => {
  const face = (box: Box, landmarks = landmarksOf(box)) => ({ box, landmarks, score: 0.9 });
  const big: Box = { x: 100, y: 100, width: 100, height: 120 };

  it('accepts a frontal face of a useful size, also when the head is tilted', () => {
    expect(isPoorView(face(big))).toBe(false);
    const tilted: Point[] = landmarksOf(big).map(([x, y]) => {
      const [cx, cy, a] = [150, 160, Math.PI / 5]; // 36° roll about the box centre
      return [cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a), cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a)];
    });
    expect(isPoorView(face(big, tilted))).toBe(false);
  });

  it('rejects a small face and a turned one', () => {
    expect(isPoorView(face({ x: 0, y: 0, width: 24, height: 24 }))).toBe(true);
    expect(isPoorView(face({ x: 0, y: 0, width: 30, height: 30 }))).toBe(false);
    const turned = landmarksOf(big);
    turned[2] = [big.x + 0.32 * big.width, turned[2][1]]; // nose almost on the right eye
    expect(isPoorView(face(big, turned))).toBe(true);
    expect(isPoorView(face({ x: 0, y: 0, width: 30, height: 30 }), { minFaceHeight: 20, turnLimit: 0.2 })).toBe(false);
  });
});

describe('tracker options', () => {
  it('fills in the defaults and takes overrides', () => {
    const o = resolveTrackerOptions({ matchThreshold: 0.6, refreshFrames: 20 });
    expect(o).toEqual({ ...DEFAULT_TRACKER_OPTIONS, matchThreshold: 0.6, refreshFrames: 20 });
  });

  it('refuses nonsense', () => {
    expect(() => resolveTrackerOptions({ matchThreshold: NaN })).toThrow(/matchThreshold/);
    expect(() => resolveTrackerOptions({ matchThreshold: 0.3, voteWindow: 0 })).toThrow(/voteWindow/);
    expect(() => resolveTrackerOptions({ matchThreshold: 0.3, keepAt: 0.9 })).toThrow(/keepAt/);
    expect(() => resolveTrackerOptions({ matchThreshold: 0.3, minIou: 0 })).toThrow(/minIou/);
  });
});

describe('confirming tracks between recognitions', () => {
  const at = (x: number, y: number, size = 100): Box => ({ x, y, width: size, height: size });
  const input = (box: Box, recognition?: Recognition): TrackInput => ({ box, landmarks: landmarksOf(box), score: 0.9, recognition });

  function twoTracks(): FaceTracker {
    const tracker = new FaceTracker({ matchThreshold: THRESHOLD });
    for (let t = 0; t <= 4; t += 2) tracker.update(t, [input(at(100 + 4 * t, 100), ADA), input(at(600, 300), GRACE)]);
    return tracker;
  }

  it('keeps the views whose face is found near the predicted box, at the box where it was found', () => {
    const tracker = twoTracks();
    const views = tracker.boxesAt(5);
    const adaFound = at(121, 101, 98);
    const shown = tracker.confirm(views, [{ box: adaFound, landmarks: landmarksOf(adaFound), score: 0.8 }]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ name: 'Ada', box: adaFound, trackId: views.find((v) => v.name === 'Ada')!.trackId });
  });

  it('drops every view when no face is found (the faces left)', () => {
    const tracker = twoTracks();
    expect(tracker.confirm(tracker.boxesAt(5), [])).toEqual([]);
  });

  it('does not let a face nearby, but not overlapping, carry a departed track\'s name', () => {
    const tracker = twoTracks();
    const views = tracker.boxesAt(5).filter((v) => v.name === 'Grace');
    const newcomer = at(720, 300); // beside Grace's box: close by centre distance, no overlap
    expect(tracker.confirm(views, [{ box: newcomer, landmarks: landmarksOf(newcomer), score: 0.9 }])).toEqual([]);
  });

  it('gives one found face to one track only', () => {
    const tracker = twoTracks();
    const views = tracker.boxesAt(5);
    const both = views.map((v) => ({ ...v, box: at(600, 300) })); // two predictions on the same place
    expect(tracker.confirm(both, [{ box: at(602, 301), landmarks: landmarksOf(at(602, 301)), score: 0.9 }])).toHaveLength(1);
  });

  it('changes nothing in the tracker', () => {
    const tracker = twoTracks();
    const before = JSON.stringify(tracker.boxesAt(6));
    tracker.confirm(tracker.boxesAt(5), []);
    expect(JSON.stringify(tracker.boxesAt(6))).toBe(before);
    expect(tracker.size).toBe(2);
  });
});
