/**
 * Sightings from recognised frames: one appearance of a known person is one sighting, however
 * many frames and tracks it spans. Pure, no Nest, no I/O; times are epoch ms.
 */

/** A named face on one recognised frame. */
export interface Glimpse {
  personId: number;
  name: string;
  trackId: number;
  confidence: number;
}

export interface Appearance {
  personId: number;
  /** The person's name as last shown (follows a rename while the appearance lasts). */
  name: string;
  /** The newest track that showed the person. */
  trackId: number;
  firstSeen: number;
  lastSeen: number;
  bestConfidence: number;
  /** Best confidence when the thumbnail was last taken (-Infinity: none yet). */
  thumbnailConfidence: number;
  /** Set by the caller once persisted. */
  rowId?: number;
  /**
   * Continued from another node that ran the camera before (a failover): the time it was taken
   * over, which counts as a sighting for ending it — the gap while no node ran the camera is not
   * an absence of the person.
   */
  takenOverAt?: number;
}

export interface AppearanceOptions {
  /** An appearance ends when the person has not been seen for this long. */
  endAfterMs: number;
  /** A better view (confidence up by at least this many points) asks for a new thumbnail. */
  betterViewBy: number;
}

export interface ObserveResult {
  started: Appearance[];
  /** Appearances whose best confidence rose by `betterViewBy` since their thumbnail. */
  betterView: Appearance[];
}

/**
 * Open appearances by person. A person stays in the same appearance while any track names
 * them, with gaps shorter than `endAfterMs` bridged (a missed detection, a track lost and found
 * again under a new id, a brief Unknown); the appearance ends after a longer absence.
 */
export class AppearanceBook {
  private readonly open = new Map<number, Appearance>();
  private readonly dirty = new Set<Appearance>();

  constructor(private readonly options: AppearanceOptions) {
    if (!(options.endAfterMs > 0)) throw new RangeError('endAfterMs must be > 0');
  }

  /** Folds in the named faces of one recognised frame (call expire first with the same time). */
  observe(at: number, glimpses: readonly Glimpse[]): ObserveResult {
    const started: Appearance[] = [];
    const betterView: Appearance[] = [];
    for (const glimpse of glimpses) {
      let appearance = this.open.get(glimpse.personId);
      if (!appearance) {
        appearance = {
          personId: glimpse.personId,
          name: glimpse.name,
          trackId: glimpse.trackId,
          firstSeen: at,
          lastSeen: at,
          bestConfidence: glimpse.confidence,
          thumbnailConfidence: -Infinity,
        };
        this.open.set(glimpse.personId, appearance);
        started.push(appearance);
        continue;
      }
      appearance.lastSeen = Math.max(appearance.lastSeen, at);
      appearance.trackId = glimpse.trackId;
      appearance.name = glimpse.name;
      if (glimpse.confidence > appearance.bestConfidence) appearance.bestConfidence = glimpse.confidence;
      this.dirty.add(appearance);
      const better = appearance.bestConfidence - appearance.thumbnailConfidence >= this.options.betterViewBy;
      if (better && !started.includes(appearance) && !betterView.includes(appearance)) betterView.push(appearance);
    }
    return { started, betterView };
  }

  /** Ends the appearances not seen for `endAfterMs` before `at`. */
  expire(at: number): Appearance[] {
    const ended: Appearance[] = [];
    for (const [personId, appearance] of this.open) {
      if (at - Math.max(appearance.lastSeen, appearance.takenOverAt ?? -Infinity) >= this.options.endAfterMs) {
        this.open.delete(personId);
        this.dirty.delete(appearance);
        ended.push(appearance);
      }
    }
    return ended;
  }

  /** Takes in an appearance recorded elsewhere (another node's open sighting); false when the person already has one here. */
  adopt(appearance: Appearance): boolean {
    if (this.open.has(appearance.personId)) return false;
    this.open.set(appearance.personId, appearance);
    return true;
  }

  /** Drops a person's open appearance without ending it (the person was erased); whether there was one. */
  forget(personId: number): boolean {
    const appearance = this.open.get(personId);
    if (!appearance) return false;
    this.open.delete(personId);
    this.dirty.delete(appearance);
    return true;
  }

  /** Ends every appearance (shutdown). */
  endAll(): Appearance[] {
    const all = [...this.open.values()];
    this.open.clear();
    this.dirty.clear();
    return all;
  }

  /** Open appearances changed since the last call (to persist in one batch). */
  takeChanged(): Appearance[] {
    const changed = [...this.dirty];
    this.dirty.clear();
    return changed;
  }

  get openAppearances(): Appearance[] {
    return [...this.open.values()];
  }
}
