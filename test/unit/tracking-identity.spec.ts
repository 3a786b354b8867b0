import { matchConfidence, unknownConfidence } from '../../src/recognition/matching/confidence';
import { IdentityVote, Recognition } from '../../src/tracking/identity-vote';
import { DEFAULT_TRACKER_OPTIONS } from '../../src/tracking/options';

const THRESHOLD = 0.3;
const ada = (similarity = 0.62): Recognition => ({ personId: 1, name: 'Ada', similarity });
const grace = (similarity = 0.7): Recognition => ({ personId: 2, name: 'Grace', similarity });
const nobody = (similarity = 0.12): Recognition => ({ personId: null, name: 'Unknown', similarity });

function voter(overrides: Partial<typeof DEFAULT_TRACKER_OPTIONS> & { matchThreshold?: number } = {}): IdentityVote {
  return new IdentityVote({ ...DEFAULT_TRACKER_OPTIONS, matchThreshold: THRESHOLD, ...overrides });
}

function feed(v: IdentityVote, ...recognitions: Recognition[]) {
  let frame = 0;
  for (const r of recognitions) v.add(r, (frame += 2));
  return v.current;
}

const times = (n: number, r: Recognition) => Array.from({ length: n }, () => r);

describe('IdentityVote', () => {
  it('starts pending: Unknown, no confidence, not stable', () => {
    expect(voter().current).toMatchObject({ status: 'pending', name: 'Unknown', personId: null, confidence: 0, votes: 0, stable: false });
  });

  it('names a face from one clear view, and settles once a second one agrees', () => {
    const v = voter();
    expect(feed(v, ada())).toMatchObject({ status: 'named', name: 'Ada', personId: 1, stable: false });
    expect(v.current.confidence).toBeCloseTo(matchConfidence(0.62, THRESHOLD), 1);
    expect(v.current.similarity).toBeCloseTo(0.62, 6);
    expect(feed(v, ada())).toMatchObject({ status: 'named', stable: true, votes: 2 });
  });

  it('keeps a face whose matches are weak Unknown until a good view arrives', () => {
    const v = voter();
    // 0.32 is over the threshold, so the matcher names it, but barely: worth 0.6 of a vote.
    expect(feed(v, ada(0.32))).toMatchObject({ status: 'undecided', name: 'Unknown', personId: null, stable: false });
    expect(v.current.confidence).toBeCloseTo(100 - matchConfidence(0.32, THRESHOLD), 1);
    expect(feed(v, ada(0.32))).toMatchObject({ status: 'undecided', name: 'Unknown' });
    expect(feed(v, ada(0.6))).toMatchObject({ status: 'named', name: 'Ada' });
  });

  it('weights votes by the engine’s own threshold, so the same similarity is strong for one engine and weak for another', () => {
    expect(feed(voter({ matchThreshold: 0.3 }), ada(0.62)).status).toBe('named');
    expect(feed(voter({ matchThreshold: 0.6 }), ada(0.62)).status).toBe('undecided');
  });

  it('is not flipped by one wrong recognition, which only unsettles it until the next agreeing one', () => {
    const v = voter();
    feed(v, ...times(6, ada()));
    expect(feed(v, grace(0.9))).toMatchObject({ status: 'named', name: 'Ada', stable: false });
    expect(feed(v, ada())).toMatchObject({ status: 'named', name: 'Ada', stable: true }); // Ada 7/8
  });

  it('is not flipped by two wrong recognitions either, and stays unsettled while they are in the window', () => {
    const v = voter();
    feed(v, ...times(6, ada()));
    expect(feed(v, grace(0.9), grace(0.9))).toMatchObject({ status: 'named', name: 'Ada', stable: false });
    for (let i = 0; i < 6; i++) expect(feed(v, ada())).toMatchObject({ name: 'Ada', stable: false }); // Ada 6/8 < stableAt
    expect(feed(v, ada())).toMatchObject({ name: 'Ada', stable: true }); // the first odd vote left the window
  });

  it('keeps a young name through one contrary vote (hysteresis), but would not grant it from that mix', () => {
    const shown = voter();
    expect(feed(shown, ada(), ada(), grace()).name).toBe('Ada'); // Ada's share 0.67 ≥ keepAt 0.5
    const young = voter();
    expect(feed(young, grace(), ada()).name).toBe('Grace'); // one vote each: the name shown stays
    expect(feed(young, ada()).name).toBe('Unknown'); // Grace 1/3 is no longer kept, Ada 2/3 not yet granted
    const neither = voter({ keepAt: 0.7 });
    expect(feed(neither, ada(), ada(), grace()).name).toBe('Unknown'); // without hysteresis, 0.67 < nameAt
  });

  it('switches after several strong votes in a row for someone else (boxes swapped), not before', () => {
    const v = voter();
    feed(v, ...times(8, ada()));
    feed(v, grace(), grace());
    expect(v.current.name).toBe('Ada');
    expect(feed(v, grace())).toMatchObject({ name: 'Grace', personId: 2, votes: 3, stable: true });
    // Without the streak rule the window still holds 5 Ada votes: Ada would stay.
    const noStreak = voter({ switchStreak: 100 });
    expect(feed(noStreak, ...times(8, ada()), ...times(3, grace())).name).toBe('Ada');
  });

  it('does not switch on a streak of weak votes', () => {
    const v = voter();
    expect(feed(v, ...times(8, ada()), ...times(3, grace(0.33))).name).toBe('Ada');
  });

  it('shows Unknown with a low confidence when strong votes disagree', () => {
    const v = voter();
    const d = feed(v, ada(), grace(), ada(), grace(), ada(), grace());
    expect(d).toMatchObject({ status: 'undecided', name: 'Unknown', personId: null, stable: false });
    expect(d.confidence).toBeLessThan(5); // not a stranger: someone enrolled, but who is unclear
  });

  it('settles on Unknown for a stranger, with the matcher’s confidence that it is nobody enrolled', () => {
    const v = voter();
    expect(feed(v, nobody(0.12))).toMatchObject({ status: 'unknown', name: 'Unknown', stable: false });
    const d = feed(v, nobody(0.12));
    expect(d).toMatchObject({ status: 'unknown', stable: true });
    expect(d.confidence).toBeCloseTo(unknownConfidence(0.12, THRESHOLD), 1);
    // One weak false match among them does not name the stranger.
    expect(feed(v, ada(0.33))).toMatchObject({ status: 'unknown', name: 'Unknown', stable: false });
  });

  it('forgets votes beyond its window', () => {
    const v = voter({ switchStreak: 100 });
    feed(v, ...times(8, ada()));
    expect(feed(v, ...times(3, grace())).name).toBe('Ada'); // 5 of 8 left: kept by hysteresis
    expect(feed(v, ...times(2, grace())).status).toBe('undecided'); // Ada 3/8, Grace 5/8: neither
    expect(feed(v, grace()).name).toBe('Grace'); // Grace 6/8
    expect(feed(v, ...times(2, grace())).votes).toBe(8);
  });

  it('shows a person’s newest name (renamed while in view)', () => {
    const v = voter();
    feed(v, ada(), ada());
    expect(feed(v, { personId: 1, name: 'Ada Lovelace', similarity: 0.6 }).name).toBe('Ada Lovelace');
  });
});
