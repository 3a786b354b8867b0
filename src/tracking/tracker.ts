import type { Box, DetectedFace } from '../recognition/face.types';
import { UNKNOWN } from '../recognition/matching/matcher';
import { associate } from './association';
import { iou } from './geometry';
import { IdentityChangeSign, identityChangeSign, lookedDifferent, RecognisedView } from './identity-change';
import { IdentityDecision, IdentityVote } from './identity-vote';
import { BoxMotion } from './motion';
import { resolveTrackerOptions, TrackerConfig, TrackerOptions } from './options';
import type { EmbedReason, EmbeddingDecision, FrameContext, TrackerUpdate, TrackInput, TrackView } from './tracker.types';

export type { EmbedReason, EmbeddingDecision, FrameContext, TrackerUpdate, TrackInput, TrackView } from './tracker.types';

interface Track {
  id: number;
  motion: BoxMotion;
  identity: IdentityVote;
  firstSeen: number;
  lastSeen: number;
  hits: number;
  /** Frame of the last recognition that voted (-Infinity: never). */
  lastRecognizedAt: number;
  /** Keep re-checking identity until this frame, after an overlap: the faces may have swapped boxes while one hid the other. */
  guardUntil: number;
  /** The view of the last recognition that voted, to notice another face in its place. */
  lastRecognised?: RecognisedView;
}

/** Association of one frame's detections, shared by planEmbeddings (read-only) and update. */
interface FrameMatch {
  track: Track | null;
  overlapping: boolean;
  /** Why the face may be someone else than the track's (null: no sign of it). */
  change: IdentityChangeSign | null;
}

/**
 * Follows faces across frames so that recognition can run on few frames and few faces while every
 * frame is drawn right. Pure and synchronous: the stream calls, for each frame it recognises,
 * planEmbeddings → (embed + match the faces it asks for) → update, and boxesAt for every frame it
 * draws. Frame indices must not go backwards across updates (a lower one starts over).
 */
export class FaceTracker {
  private options: TrackerOptions;
  private tracks: Track[] = [];
  private lastUpdate = -Infinity;

  /**
   * `newTrackId` hands out track ids: several cameras' trackers share one source, so a track id
   * names one face across the whole server. Alone, a tracker counts from 1.
   */
  constructor(
    config: TrackerConfig,
    private readonly newTrackId: () => number = counterFrom(1),
  ) {
    this.options = resolveTrackerOptions(config);
  }

  /** Tracks held, lost ones included. */
  get size(): number {
    return this.tracks.length;
  }

  /** Forget everything (a new source). Track ids keep increasing, so old ids are never reused. */
  reset(): void {
    this.tracks = [];
    this.lastUpdate = -Infinity;
  }

  /**
   * The people library changed (someone enrolled, deleted, given another photo): every track
   * keeps its box but decides who it is again from its next views, so a person enrolled while
   * on camera is named at the next recognition instead of after their old votes age out.
   * The matcher's threshold may have moved with the gallery's size: new votes are weighed with it.
   */
  forgetIdentities(matchThreshold = this.options.matchThreshold): void {
    this.options = { ...this.options, matchThreshold };
    for (const track of this.tracks) track.identity = new IdentityVote(this.options);
  }

  /**
   * Which detections of `frameIndex` need an embedding. Read-only: call it between detection and
   * embedding, then pass the same detections (with the recognitions obtained) to update().
   */
  planEmbeddings(frameIndex: number, detections: readonly TrackInput[], frame: FrameContext = {}): EmbeddingDecision[] {
    const matches = this.match(frameIndex, detections, frame);
    return detections.map((detection, i) => {
      const { track, change, overlapping } = matches[i];
      const trackId = track?.id ?? null;
      const decide = (reason: EmbedReason): EmbeddingDecision => ({
        embed: reason !== 'reuse' && reason !== 'poor-quality',
        reason,
        trackId,
      });
      if (detection.poorQuality) return decide('poor-quality');
      if (!track) return decide('new');
      if (change) return decide(change);
      if (overlapping) return decide('overlap');
      if (frameIndex <= track.guardUntil) return decide('overlap');
      if (!track.identity.current.stable) return decide('uncertain');
      if (frameIndex - track.lastRecognizedAt >= this.options.refreshFrames) return decide('stale');
      return decide('reuse');
    });
  }

  /**
   * Folds one processed frame in (detections may be empty: every track then misses). Pass the
   * same `frame` context as to planEmbeddings.
   */
  update(frameIndex: number, detections: readonly TrackInput[], frame: FrameContext = {}): TrackerUpdate {
    if (frameIndex < this.lastUpdate) this.reset(); // the clock went back: a new source, old tracks mean nothing
    this.tracks = this.tracks.filter((t) => this.alive(t, frameIndex));
    const matches = this.match(frameIndex, detections, frame);
    // After a cut no name is taken on trust, not even a coasting track's.
    if (frame.sceneCut) for (const track of this.tracks) track.identity.doubt();
    const seen = new Set<Track>();
    const trackIds = detections.map((detection, i) => {
      const { change, overlapping } = matches[i];
      let track = matches[i].track;
      if (track) {
        track.motion.correct(detection.box, frameIndex, change === 'jump');
        track.lastSeen = frameIndex;
        track.hits++;
        // The embedding asked for now settles it: the name stays if the face is still theirs, goes at once if not.
        if (change) track.identity.doubt();
        if (overlapping) track.guardUntil = frameIndex + this.options.swapGuardFrames;
      } else {
        track = this.createTrack(detection.box, frameIndex);
        this.tracks.push(track);
      }
      seen.add(track);
      // A poor view is tracked and drawn, but what the matcher made of it does not vote.
      if (detection.recognition && !detection.poorQuality) {
        track.identity.add(detection.recognition, frameIndex);
        track.lastRecognizedAt = frameIndex;
        track.lastRecognised = { appearance: detection.appearance, height: detection.box.height };
      }
      return track.id;
    });
    // A track too young to be trusted dies on its first miss: no ghost for a one-frame false detection.
    this.tracks = this.tracks.filter((t) => seen.has(t) || t.hits >= this.options.confirmHits);
    this.lastUpdate = frameIndex;
    return { frameIndex, trackIds, tracks: this.boxesAt(frameIndex) };
  }

  /**
   * The faces to draw on frame `frameIndex`, by track id. Read-only, so it can be called for
   * any frame, also one older than the last update (rendering lags recognition): boxes are
   * extrapolated both ways from the last detection. A track is not shown before its first
   * detection, nor after its grace period, whether or not an update has dropped it yet.
   */
  boxesAt(frameIndex: number): TrackView[] {
    return this.tracks
      .filter((t) => frameIndex >= t.firstSeen && this.alive(t, frameIndex))
      .map((t) => view(t, frameIndex, t.lastSeen < this.lastUpdate));
  }

  /**
   * Between recognitions, the views of a frame (from boxesAt) that a quick detection around them
   * found again, each at the box where its face was found; the others are left out: a box where
   * no face is (a face that left abruptly) is worse than a missing one. Pairing is by overlap
   * with the predicted box only, never by distance, so a newcomer nearby cannot take a departed
   * face's name. A face found there that looks unlike the one last recognised (another face
   * stepped in since) is drawn without the name and its numbers, until recognition says who
   * it is. Read-only: recognition may already have moved the tracks past this frame.
   */
  confirm(views: readonly TrackView[], found: readonly DetectedFace[]): TrackView[] {
    const { pairs } = associate(
      views.map((v) => v.box),
      found.map((f) => f.box),
      { ...this.options, maxCentreDistance: -1 }, // no distance fallback
    );
    const foundFor = new Map(pairs.map((p) => [p.track, found[p.detection]]));
    return views.flatMap((v, i) => {
      const face = foundFor.get(i);
      if (!face) return [];
      const seen = this.tracks.find((t) => t.id === v.trackId)?.lastRecognised;
      const lookedElse = lookedDifferent(seen?.appearance, face.appearance, this.options.quickCheckAppearanceChange);
      return [lookedElse ? { ...v, box: face.box, ...WITHHELD } : { ...v, box: face.box }];
    });
  }

  /** Track by id, for callers that keep per-face state (events, metrics). */
  track(trackId: number, frameIndex: number): TrackView | undefined {
    const t = this.tracks.find((x) => x.id === trackId);
    return t && this.alive(t, frameIndex) ? view(t, frameIndex, t.lastSeen < this.lastUpdate) : undefined;
  }

  private alive(t: Track, frameIndex: number): boolean {
    return frameIndex - t.lastSeen <= this.options.maxCoastFrames;
  }

  private createTrack(box: Box, frameIndex: number): Track {
    const o = this.options;
    return {
      id: this.newTrackId(),
      motion: new BoxMotion(box, frameIndex, o.motionAlpha, o.motionBeta),
      identity: new IdentityVote(o),
      firstSeen: frameIndex,
      lastSeen: frameIndex,
      hits: 1,
      lastRecognizedAt: -Infinity,
      guardUntil: -Infinity,
    };
  }

  private match(frameIndex: number, detections: readonly TrackInput[], frame: FrameContext): FrameMatch[] {
    const o = this.options;
    // A frame before the last update means a new source (update will reset): nothing to continue.
    const live = frameIndex < this.lastUpdate ? [] : this.tracks.filter((t) => this.alive(t, frameIndex));
    const predicted = live.map((t) => t.motion.predict(frameIndex));
    const boxes = detections.map((d) => d.box);
    const { pairs } = associate(predicted, boxes, o);
    const result: FrameMatch[] = detections.map(() => ({ track: null, overlapping: false, change: null }));
    for (const p of pairs) {
      const touchesAnother =
        boxes.some((b, d) => d !== p.detection && iou(b, boxes[p.detection]) >= o.overlapIou) ||
        predicted.some((b, t) => t !== p.track && iou(b, boxes[p.detection]) >= o.overlapIou);
      const track = live[p.track];
      const change = identityChangeSign(
        {
          sceneCut: frame.sceneCut ?? false,
          jumped: p.byDistance || p.iou < o.jumpIou,
          reappeared: track.lastSeen < this.lastUpdate,
          lastRecognised: track.lastRecognised,
          detection: detections[p.detection],
          poorView: detections[p.detection].poorQuality,
        },
        o,
      );
      result[p.detection] = { track, overlapping: touchesAnother, change };
    }
    return result;
  }
}

/** What a view shows while the face in it may be someone else: no name, and no number from the earlier face. */
const WITHHELD = { name: UNKNOWN, personId: null, confidence: 0, similarity: 0, status: 'pending' } as const satisfies Partial<TrackView>;

function view(t: Track, frameIndex: number, lost: boolean): TrackView {
  const id: IdentityDecision = t.identity.current;
  return {
    trackId: t.id,
    box: t.motion.predict(frameIndex),
    name: id.name,
    personId: id.personId,
    confidence: id.confidence,
    similarity: id.similarity,
    status: id.status,
    lost,
    lastSeen: t.lastSeen,
  };
}

/** 1, 2, 3, … */
export function counterFrom(first: number): () => number {
  let next = first;
  return () => next++;
}
