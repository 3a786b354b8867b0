import { matchConfidence, unknownConfidence } from '../recognition/matching/confidence';
import { UNKNOWN } from '../recognition/matching/matcher';
import type { TrackerOptions } from './options';

/** One recognition of a tracked face: the matcher's decision (a RecognizedFace or MatchResult fits). */
export interface Recognition {
  personId: number | null;
  name: string;
  /** Best cosine similarity (to the named person, or to the nearest one for Unknown). */
  similarity: number;
}

/**
 * pending: no usable recognition yet; named: a person won the vote; unknown: the votes agree it is
 * nobody enrolled; undecided: votes disagree or are weak. Everything but "named" is shown as Unknown.
 */
export type IdentityStatus = 'pending' | 'named' | 'unknown' | 'undecided';

export interface IdentityDecision {
  status: IdentityStatus;
  personId: number | null;
  name: string;
  /** Percentage: for a name, how sure the track is of it; for Unknown, how sure it is of nobody enrolled. */
  confidence: number;
  /** Similarity of the latest recognition behind the decision (for Unknown: the latest one's best), i.e. of the face now in the box. */
  similarity: number;
  /** Recognitions in the window. */
  votes: number;
  /** Settled: the decision is clear and the latest vote agrees, so the face need not be embedded again soon. */
  stable: boolean;
}

/** The tracker options the vote reads (documented in options.ts). */
export type VoteOptions = Pick<
  TrackerOptions,
  'matchThreshold' | 'voteWindow' | 'nameAt' | 'keepAt' | 'stableAt' | 'minStableVotes' | 'switchStreak' | 'strongVote'
>;

interface Vote extends Recognition {
  at: number;
  /** The matcher's own certainty in this decision, 0..1 (confidence.ts): the vote's weight. */
  weight: number;
}

const PENDING: IdentityDecision = {
  status: 'pending',
  personId: null,
  name: UNKNOWN,
  confidence: 0,
  similarity: 0,
  votes: 0,
  stable: false,
};

const round1 = (x: number) => Math.round(x * 1000) / 10;

/**
 * A track's identity from its recent recognitions of the face now in the box. Each vote is
 * weighted by the logistic confidence of its own similarity (confidence.ts), so a
 * barely-over-threshold match counts for little and a clear one for almost 1, the same way for
 * every engine. A named vote with weight w backs its person with w and "nobody enrolled" with
 * 1 - w; an Unknown vote backs "nobody" with w (the rest belongs to a person we were not told).
 * Averaging over the window gives each label a share in 0..1 that is both the decision rule and
 * the displayed confidence.
 *
 * A name belongs to a face, not to a track: a fresh recognition that does not back the name shown
 * (below the person's threshold, or someone else) means the box may hold another face now, so
 * the older votes, which were about the previous face, are dropped and the new one decides alone.
 */
export class IdentityVote {
  private votes: Vote[] = [];
  private decision: IdentityDecision = PENDING;
  /** Something suggests another face may be in the box (a cut, a new look): the name waits for a fresh recognition. */
  private doubted = false;
  /** The votes were just restarted by one contrary view, which may itself have been the odd one. */
  private restarted = false;

  constructor(private readonly o: VoteOptions) {}

  /** The decision to show: while doubted, Unknown with nothing carried over from the earlier face. */
  get current(): IdentityDecision {
    if (!this.doubted) return this.decision;
    return { ...PENDING, votes: this.votes.length };
  }

  /**
   * The face in the box may have changed (scene cut, appearance or size jump, re-found after being
   * lost): the name is withheld and the track is not settled until a recognition of the face now
   * there agrees with it; one that disagrees starts the identity afresh.
   */
  doubt(): void {
    if (this.votes.length > 0) this.doubted = true;
  }

  add(recognition: Recognition, at: number): IdentityDecision {
    const { personId, name, similarity } = recognition;
    const weight =
      (personId === null
        ? unknownConfidence(similarity, this.o.matchThreshold)
        : matchConfidence(similarity, this.o.matchThreshold)) / 100;
    const named = this.decision.status === 'named';
    const contradicts = named ? personId !== this.decision.personId : this.doubted && personId !== this.decision.personId;
    // A lone contrary view followed by a strong one that disagrees with it was the odd view (a
    // blink, a turned head): the strong one starts afresh, so the right name is back at once.
    const overrulesOddView = this.restarted && personId !== this.votes[0]?.personId && weight >= this.o.strongVote;
    if (contradicts || overrulesOddView) this.votes = [];
    this.restarted = contradicts;
    this.doubted = false;
    this.votes.push({ personId, name, similarity, at, weight });
    if (this.votes.length > this.o.voteWindow) this.votes.splice(0, this.votes.length - this.o.voteWindow);
    this.forgetSwappedHistory();
    this.decision = this.decide();
    return this.decision;
  }

  /**
   * Shown as Unknown, several strong votes in a row for one person mean the track now follows
   * them: the older votes (about a stranger, or undecided) go instead of outvoting them for a window.
   */
  private forgetSwappedHistory(): void {
    const n = this.o.switchStreak;
    if (this.votes.length <= n) return;
    const streak = this.votes.slice(-n);
    const label = streak[0].personId;
    const shown = this.decision.status === 'named' ? this.decision.personId : null;
    if (label === shown) return;
    if (streak.every((v) => v.personId === label && v.weight >= this.o.strongVote)) this.votes = streak;
  }

  private decide(): IdentityDecision {
    const n = this.votes.length;
    if (n === 0) return PENDING;
    const support = new Map<number, { share: number; name: string }>();
    let unknownShare = 0;
    for (const v of this.votes) {
      if (v.personId === null) {
        unknownShare += v.weight / n;
        continue;
      }
      unknownShare += (1 - v.weight) / n;
      const s = support.get(v.personId) ?? { share: 0, name: v.name };
      s.share += v.weight / n;
      s.name = v.name; // the newest name wins: a person renamed meanwhile shows the new name
      support.set(v.personId, s);
    }
    // Best person; ties go to who is shown now, then to the most recent vote (Map order is first-seen, so scan by recency).
    const previous = this.decision.status === 'named' ? this.decision.personId : null;
    let best: number | null = null;
    for (let i = n - 1; i >= 0; i--) {
      const id = this.votes[i].personId;
      if (id === null || id === best) continue;
      const s = support.get(id)!.share;
      const b = best === null ? -1 : support.get(best)!.share;
      if (s > b || (s === b && id === previous)) best = id;
    }

    const last = this.votes[n - 1].personId;
    const keep = previous !== null && (support.get(previous)?.share ?? 0) >= this.o.keepAt;
    const chosen = keep ? previous : best !== null && support.get(best)!.share >= this.o.nameAt ? best : null;
    if (chosen !== null) {
      const s = support.get(chosen)!;
      return {
        status: 'named',
        personId: chosen,
        name: s.name,
        confidence: round1(s.share),
        similarity: latestSimilarity(this.votes, chosen),
        votes: n,
        stable: s.share >= this.o.stableAt && n >= this.o.minStableVotes && last === chosen,
      };
    }
    const status = unknownShare >= this.o.nameAt ? 'unknown' : 'undecided';
    return {
      status,
      personId: null,
      name: UNKNOWN,
      confidence: round1(unknownShare),
      similarity: this.votes[n - 1].similarity,
      votes: n,
      stable: status === 'unknown' && unknownShare >= this.o.stableAt && n >= this.o.minStableVotes && last === null,
    };
  }
}

/** The similarity shown is the latest recognition's of that person: the face as it is now, not an average over older views. */
function latestSimilarity(votes: readonly Vote[], personId: number): number {
  for (let i = votes.length - 1; i >= 0; i--) if (votes[i].personId === personId) return votes[i].similarity;
  return 0;
}
