/**
 * Every tunable of the tracker, in one place. Times are in frames (Frame.index), the clock the
 * stream already has: it never repeats and advances by one per captured frame.
 */
export interface TrackerOptions {
  /** The matcher's cosine threshold (MatchPolicy.threshold): turns similarities into vote weights. */
  matchThreshold: number;

  // --- association (association.ts)
  /** Least IoU between a detection and a track's predicted box to pair them. */
  minIou: number;
  /** Fallback for fast motion: centres at most this many box sizes apart… */
  maxCentreDistance: number;
  /** …and sizes within this factor (a fast face does not change size, a different face may). */
  maxSizeRatio: number;

  // --- life cycle
  /** A track that is not detected is predicted for this many frames, then dropped. */
  maxCoastFrames: number;
  /** Detections a track needs before it may coast; younger tracks die on their first miss (a one-frame false detection leaves no ghost). */
  confirmHits: number;

  // --- motion (motion.ts)
  /** Share of the prediction error taken into the position (1 = trust detections, no smoothing). */
  motionAlpha: number;
  /** Share of the prediction error taken into the velocity, per frame. */
  motionBeta: number;

  // --- identity (identity-vote.ts)
  /** Recognitions a track remembers for its vote. */
  voteWindow: number;
  /** A person is shown when their vote share reaches this. */
  nameAt: number;
  /** A person already shown stays shown while their share stays at or above this (hysteresis). */
  keepAt: number;
  /** Share above which the shown decision counts as settled (no need to embed again soon)… */
  stableAt: number;
  /** …with at least this many recognitions behind it. */
  minStableVotes: number;
  /** This many consecutive strong votes for someone else replace the track's history (identity swap after a crossing). */
  switchStreak: number;
  /** A vote is strong when its own decision confidence (0..1) reaches this. */
  strongVote: number;

  // --- embedding budget (tracker.ts, planEmbeddings)
  /** A settled track is embedded again when its last recognition is this many frames old. */
  refreshFrames: number;
  /** A matched detection whose IoU with the prediction is below this "jumped": identity is re-checked. */
  jumpIou: number;
  /** A detection overlapping another face (detection or predicted track) at this IoU risks an identity swap. */
  overlapIou: number;
  /** After an overlap the track keeps being embedded for this many frames (a swap hidden by the overlap shows once the faces part). */
  swapGuardFrames: number;

  // --- another face in the track's place (identity-change.ts)
  /** A box whose appearance signature moved this far (0..1) from the last embedded view may hold another face. */
  appearanceChange: number;
  /** A box this many times taller or shorter than at the last embedding may hold another face. */
  sizeChange: number;
  /**
   * The appearance change that withholds a name where no embedding can settle it: between
   * recognitions (the quick check finds faces in a downscaled mosaic, its boxes sit less exactly),
   * and on views too poor to embed (a turned head looks different too). Higher, for a clear change only.
   */
  quickCheckAppearanceChange: number;
}

export const DEFAULT_TRACKER_OPTIONS: Omit<TrackerOptions, 'matchThreshold'> = {
  minIou: 0.3,
  maxCentreDistance: 1.5,
  maxSizeRatio: 1.5,
  maxCoastFrames: 12, // ~0.5 s at 25 fps: bridges a few missed detections, short enough not to leave ghosts
  confirmHits: 2,
  motionAlpha: 0.5,
  motionBeta: 0.2,
  voteWindow: 8,
  nameAt: 0.7,
  keepAt: 0.5,
  stableAt: 0.8,
  minStableVotes: 2,
  switchStreak: 3,
  strongVote: 0.9,
  refreshFrames: 10,
  jumpIou: 0.5,
  overlapIou: 0.1,
  swapGuardFrames: 6,
  // Demo recording, same face two recognised frames apart: ≤ 0.033; LFW photos of different people: 99 % ≥ 0.045.
  appearanceChange: 0.045,
  sizeChange: 1.4,
  quickCheckAppearanceChange: 0.1,
};

/** What the caller must give (the threshold has no engine-independent default) and may override. */
export type TrackerConfig = Partial<TrackerOptions> & Pick<TrackerOptions, 'matchThreshold'>;

export function resolveTrackerOptions(config: TrackerConfig): TrackerOptions {
  const o: TrackerOptions = { ...DEFAULT_TRACKER_OPTIONS, ...config };
  const fail = (what: string) => {
    throw new RangeError(`tracker option ${what}`);
  };
  if (!Number.isFinite(o.matchThreshold)) fail('matchThreshold must be a number');
  for (const key of ['voteWindow', 'minStableVotes', 'switchStreak', 'confirmHits'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) fail(`${key} must be an integer ≥ 1`);
  }
  for (const key of ['maxCoastFrames', 'refreshFrames', 'swapGuardFrames', 'maxCentreDistance'] as const) {
    if (!(o[key] >= 0)) fail(`${key} must be ≥ 0`);
  }
  for (const key of ['minIou', 'jumpIou', 'overlapIou', 'nameAt', 'keepAt', 'stableAt', 'strongVote', 'motionBeta'] as const) {
    if (!(o[key] >= 0 && o[key] <= 1)) fail(`${key} must be within 0..1`);
  }
  if (!(o.motionAlpha > 0 && o.motionAlpha <= 1)) fail('motionAlpha must be within (0, 1]');
  if (!(o.maxSizeRatio >= 1)) fail('maxSizeRatio must be ≥ 1');
  if (!(o.sizeChange >= 1)) fail('sizeChange must be ≥ 1');
  if (!(o.appearanceChange > 0 && o.quickCheckAppearanceChange > 0)) fail('appearance changes must be > 0');
  if (o.keepAt > o.nameAt) fail('keepAt must not exceed nameAt');
  if (o.minIou <= 0) fail('minIou must be > 0 (boxes that do not touch are paired by distance)');
  return o;
}
