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

  it('takes the name away at once on one recognition of someone else: the box may hold another face now', () => {
    const v = voter();
    feed(v, ...times(6, ada()));
    // Grace at 0.9 is a clear view of her: shown at once, with her own similarity, not Ada's.
    expect(feed(v, grace(0.9))).toMatchObject({ status: 'named', name: 'Grace', personId: 2, votes: 1, stable: false, similarity: 0.9 });
    expect(feed(v, grace(0.9))).toMatchObject({ name: 'Grace', stable: true });
  });

  it('shows Unknown, not the old name, after a weak recognition of someone else or one below the threshold', () => {
    const weak = voter();
    expect(feed(weak, ...times(8, ada()), grace(0.32))).toMatchObject({ name: 'Unknown', personId: null, votes: 1, stable: false });
    const below = voter();
    // Below the threshold the matcher says Unknown (with Ada as the nearest): that contradicts her name too.
    expect(feed(below, ...times(8, ada()), nobody(0.25))).toMatchObject({ name: 'Unknown', personId: null, votes: 1, similarity: 0.25 });
  });

  it('names the face again from the next strong view when the contrary one was an odd view', () => {
    const v = voter();
    feed(v, ...times(6, ada()), nobody(0.25));
    expect(feed(v, ada(0.7))).toMatchObject({ name: 'Ada', personId: 1, votes: 1 });
    // A weak match after the contrary view is not enough to name anyone: it only votes.
    const w = voter();
    feed(w, ...times(6, ada()), nobody(0.12));
    expect(feed(w, ada(0.33))).toMatchObject({ name: 'Unknown', votes: 2 });
  });

  it('while doubted (a cut, a new look) withholds the name and carries nothing over, until a fresh view decides', () => {
    const v = voter();
    feed(v, ...times(4, ada(0.6)));
    v.doubt();
    expect(v.current).toMatchObject({ status: 'pending', name: 'Unknown', personId: null, confidence: 0, similarity: 0, stable: false });
    // The same face: the name and its history come back.
    expect(feed(v, ada(0.64))).toMatchObject({ name: 'Ada', votes: 5, stable: true, similarity: 0.64 });
    // A stranger after a cut: shown as Unknown from their own view.
    v.doubt();
    expect(feed(v, nobody(0.1))).toMatchObject({ status: 'unknown', name: 'Unknown', votes: 1, similarity: 0.1 });
  });

  it('after a doubt, a strong view of an enrolled person replaces a stranger’s Unknown at once', () => {
    const v = voter();
    feed(v, ...times(6, nobody()));
    v.doubt();
    expect(feed(v, grace(0.8))).toMatchObject({ name: 'Grace', votes: 1 });
  });

  it('switches from Unknown after several strong votes in a row for one person, not before', () => {
    const v = voter();
    feed(v, ...times(8, nobody()));
    feed(v, grace(), grace());
    expect(v.current.name).toBe('Unknown');
    expect(feed(v, grace())).toMatchObject({ name: 'Grace', personId: 2, votes: 3, stable: true });
  });

  it('shows Unknown with a low confidence when strong votes disagree', () => {
    const v = voter();
    const d = feed(v, nobody(0.26), ada(), grace(), ada(), grace(), ada(), grace());
    expect(d).toMatchObject({ status: 'undecided', name: 'Unknown', personId: null, stable: false });
    expect(d.confidence).toBeLessThan(10); // not a stranger: someone enrolled, but who is unclear
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
    feed(v, ...times(8, nobody()));
    expect(feed(v, ...times(5, ada())).name).toBe('Unknown'); // 3 of 8 are still Unknown
    expect(feed(v, ada()).name).toBe('Ada'); // Ada 6/8
    expect(feed(v, ...times(4, ada())).votes).toBe(8);
  });

  it('shows a person’s newest name (renamed while in view)', () => {
    const v = voter();
    feed(v, ada(), ada());
    expect(feed(v, { personId: 1, name: 'Ada Lovelace', similarity: 0.6 }).name).toBe('Ada Lovelace');
  });
});
