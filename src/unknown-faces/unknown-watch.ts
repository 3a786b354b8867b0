/**
 * Which tracked faces go to the unknown-faces inbox: a face that stays Unknown for `afterMs`,
 * large enough to be enrolled, once per track. Pure, no Nest, no I/O; times are epoch ms.
 */
import type { Box } from '../recognition/face.types';

export interface UnknownWatchOptions {
  /** How long a track must stay Unknown. */
  afterMs: number;
  /** Smallest face height (px) worth keeping: the crop must be enrollable (ENROLL_MIN_FACE_PX). */
  minFacePx: number;
  /** A track not seen for this long is forgotten. */
  forgetAfterMs: number;
}

/** One detected face of a recognised frame. */
export interface TrackGlimpse {
  trackId: number;
  known: boolean;
  box: Box;
  /** Its embedding when it was embedded on this frame. */
  embedding: Float32Array | null;
}

/** A face to keep now: cut it out of this frame's `box`. */
export interface UnknownCandidate {
  trackId: number;
  box: Box;
  /** The track's newest embedding made while it was Unknown. */
  embedding: Float32Array;
  unknownSince: number;
}

interface WatchedTrack {
  unknownSince: number | null;
  embedding: Float32Array | null;
  lastSeen: number;
  kept: boolean;
}

export class UnknownWatch {
  private readonly tracks = new Map<number, WatchedTrack>();

  constructor(private readonly options: UnknownWatchOptions) {}

  observe(at: number, glimpses: readonly TrackGlimpse[]): UnknownCandidate[] {
    const candidates: UnknownCandidate[] = [];
    for (const glimpse of glimpses) {
      let track = this.tracks.get(glimpse.trackId);
      if (!track) {
        track = { unknownSince: null, embedding: null, lastSeen: at, kept: false };
        this.tracks.set(glimpse.trackId, track);
      }
      track.lastSeen = at;
      if (glimpse.known) {
        // Named (for now): an Unknown spell starts over, with fresh embeddings.
        track.unknownSince = null;
        track.embedding = null;
        continue;
      }
      track.unknownSince ??= at;
      if (glimpse.embedding) track.embedding = glimpse.embedding;
      const longEnough = at - track.unknownSince >= this.options.afterMs;
      const bigEnough = glimpse.box.height >= this.options.minFacePx;
      if (!track.kept && longEnough && bigEnough && track.embedding) {
        track.kept = true;
        candidates.push({ trackId: glimpse.trackId, box: glimpse.box, embedding: track.embedding, unknownSince: track.unknownSince });
      }
    }
    for (const [trackId, track] of this.tracks) if (at - track.lastSeen > this.options.forgetAfterMs) this.tracks.delete(trackId);
    return candidates;
  }

  get watching(): number {
    return this.tracks.size;
  }
}
