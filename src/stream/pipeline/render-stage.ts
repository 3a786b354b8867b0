import type { Logger } from '@nestjs/common';
import type { Frame } from '../../camera/frame';
import type { CameraRecognition, RecognitionService } from '../../recognition/recognition.service';
import type { TrackView } from '../../tracking';
import { faceLabel, OverlayItem } from '../overlay';
import type { RenderClient } from '../render/render.client';
import type { AnnotatedFrame, StreamStats } from '../stream.types';
import { presentFace } from './present-face';
import type { RecognitionStage } from './recognition-stage';
import { PrivacyMode, privacyRegions } from '../privacy';
import { zonesInPixels } from '../privacy-zones';

/** Tracked faces are checked between recognitions only while at most this many frames are in the drawing stage (see confirmed()). */
const MAX_BACKLOG_FOR_CHECK = 2;
/** …and while at most this many recognitions wait for the inference thread (all cameras): recognition comes first. */
const MAX_RECOGNITIONS_PENDING_FOR_CHECK = 1;

/**
 * One camera's drawing: the tracker's boxes for the frame (checked where they were only
 * predicted), names and confidences drawn and the frame JPEG-encoded in the vision thread.
 */
export class RenderStage {
  /** Frames in the drawing stage: the one being drawn and those waiting behind it. */
  backlog = 0;

  constructor(
    private readonly camera: CameraRecognition,
    private readonly options: { confirmTracks: boolean; jpegQuality: number; overlayWaitMs: number; privacy: PrivacyMode },
    private readonly recognition: RecognitionService,
    private readonly recognizer: RecognitionStage,
    private readonly renderer: RenderClient,
    private readonly stats: StreamStats,
    private readonly logger: Logger,
  ) {}

  async annotate(frame: Frame, chosen: boolean): Promise<AnnotatedFrame | null> {
    if (chosen) await this.recognizer.settled(frame, this.options.overlayWaitMs);
    // A track the last detection missed is kept (it may be found again under the same
    // identity) but not drawn: a box where no face was found is worse than a brief gap.
    const tracked = this.recognizer.tracker.boxesAt(frame.index).filter((view) => !view.lost);
    const checkStarted = performance.now();
    const shown = await this.confirmed(frame, tracked);
    const confirmMs = shown === tracked ? undefined : performance.now() - checkStarted;
    const nameOf = (personId: number) => this.recognition.nameOf(personId);
    const faces = shown.map((view) => presentFace(view, nameOf));
    const items: OverlayItem[] = faces.map((face) => ({ box: face.box, label: faceLabel(face.name, face.confidence), known: face.personId !== null }));
    try {
      // Every tracked face counts for privacy, also one the check did not find on this frame
      // (looked up only when a mode is on: this runs for every drawn frame).
      const hidden =
        this.options.privacy === 'off' ? [] : privacyRegions(this.options.privacy, tracked.map((view) => ({ box: view.box, known: presentFace(view, nameOf).personId !== null })));
      const masked = zonesInPixels(this.camera.zones ?? [], frame.image.width, frame.image.height);
      const { jpeg, drawMs, encodeMs } = await this.renderer.render(frame.image, items, this.options.jpegQuality, hidden, masked);
      this.stats.framesEncoded++;
      return {
        camera: this.camera.camera,
        index: frame.index,
        position: frame.position,
        capturedAt: frame.capturedAt,
        encodedAt: performance.timeOrigin + performance.now(),
        faces,
        jpeg,
        drawMs,
        encodeMs,
        confirmMs,
      };
    } catch (err) {
      this.stats.outputDropped++;
      this.logger.warn(`rendering frame ${frame.index} failed: ${err instanceof Error ? err.message : err}`);
      return null;
    }
  }

  /**
   * The views to draw on a frame: those detected on this very frame as they are; the others
   * (predicted between recognitions) only where a quick detection around them finds the face,
   * at the box it was found at. If the check cannot run, the predictions are drawn as before
   * (the same array is returned).
   */
  private async confirmed(frame: Frame, views: TrackView[]): Promise<TrackView[]> {
    const predicted = views.filter((view) => view.lastSeen !== frame.index);
    if (predicted.length === 0 || !this.options.confirmTracks) return views;
    // The check is the first work to shed when drawing falls behind (frames waiting behind
    // this one): frames on time matter more than boxes checked. So is it when recognitions
    // queue for the inference thread (several cameras): a recognition names faces and finds
    // new ones, and redraws these boxes a frame later anyway.
    if (this.backlog > MAX_BACKLOG_FOR_CHECK || this.recognition.recognitionsPending > MAX_RECOGNITIONS_PENDING_FOR_CHECK) {
      this.stats.tracksUnchecked += predicted.length;
      return views;
    }
    try {
      if (!this.recognition.canFindFacesNear) return views;
      const found = await this.recognition.findFacesNear(
        this.camera,
        frame,
        predicted.map((view) => view.box),
      );
      const confirmed = new Map(this.recognizer.tracker.confirm(predicted, found).map((view) => [view.trackId, view]));
      this.stats.tracksConfirmed += confirmed.size;
      this.stats.tracksHidden += predicted.length - confirmed.size;
      return views.flatMap((view) => (view.lastSeen === frame.index ? [view] : (confirmed.get(view.trackId) ?? [])));
    } catch (err) {
      this.logger.warn(`checking tracked faces on frame ${frame.index} failed: ${err instanceof Error ? err.message : err}`);
      return views;
    }
  }
}
