/** What the tracker takes and gives, per frame (tracker.ts). */
import type { Box, DetectedFace } from '../recognition/face.types';
import type { IdentityChangeSign } from './identity-change';
import type { IdentityStatus, Recognition } from './identity-vote';

/** One detection of a processed frame, as the tracker takes it. */
export interface TrackInput extends DetectedFace {
  /** The matcher's result, for the detections that were embedded; absent for the others. */
  recognition?: Recognition;
  /**
   * The caller judged this view too poor to name from (too small, blurred, turned away): it is
   * tracked and drawn, but its recognition does not vote, and planEmbeddings does not ask for it.
   */
  poorQuality?: boolean;
}

/** What the frame as a whole says (found by detection, in the engine's thread). */
export interface FrameContext {
  /** The picture cut away from the previous recognised frame: no track's name survives without a fresh look. */
  sceneCut?: boolean;
}

/** Why a detection is (or is not) worth embedding on this frame. */
export type EmbedReason =
  | 'new' // no track yet: who is this?
  | IdentityChangeSign // maybe another face took the track (identity-change.ts): doubt the name, look again now
  | 'overlap' // the box overlaps another face (now, or within swapGuardFrames): identities could swap
  | 'uncertain' // the track has no settled name yet
  | 'stale' // settled, but its last recognition is refreshFrames old
  | 'reuse' // settled and fresh: keep the track's identity, skip the embedding
  | 'poor-quality'; // the caller says this view cannot be named from anyway

export interface EmbeddingDecision {
  embed: boolean;
  reason: EmbedReason;
  /** The track this detection continues; null for a face that will start a new track. */
  trackId: number | null;
}

/** A tracked face as it should be drawn on one frame. */
export interface TrackView {
  trackId: number;
  /** Where the face is on this frame: smoothed on a detection frame, predicted in between. */
  box: Box;
  /** "Unknown" unless status is "named". */
  name: string;
  personId: number | null;
  /** Percentage for the shown name (for Unknown: how sure the track is it is nobody enrolled). */
  confidence: number;
  similarity: number;
  status: IdentityStatus;
  /** The last processed frame did not find this face: the box is extrapolated (grace period). */
  lost: boolean;
  /** Last frame the face was detected on. */
  lastSeen: number;
}

export interface TrackerUpdate {
  frameIndex: number;
  /** Track id given to each input detection, in input order. */
  trackIds: number[];
  /** Every visible track on this frame, including lost ones still in their grace period. */
  tracks: TrackView[];
}
