import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BehaviorSubject, filter, firstValueFrom, map, Observable, of, share, Subject, Subscription, timeout } from 'rxjs';
import type { DetectedFace } from '../recognition/face.types';
import { UNKNOWN } from '../recognition/matching/matcher';
import { FaceTracker, isPoorView, TrackInput, TrackView } from '../tracking';
import { CameraService } from '../camera/camera.service';
import type { Frame } from '../camera/frame';
import { EventLoopDelayMonitor } from '../common/event-loop-delay';
import { GalleryService } from '../recognition/gallery.service';
import { RecognitionService, RecognitionTimings, RecognizedFace } from '../recognition/recognition.service';
import { boundedConcatMap, isEveryNth, latestWins } from './backpressure';
import { faceLabel, OverlayItem } from './overlay';
import { placeholderDue, placeholderLines, PlaceholderPolicy } from './placeholder-schedule';
import { RenderClient } from './render/render.client';
import type { AnnotatedFrame, FrameObservation, RecognitionEvent, StreamStats } from './stream.types';

export const STREAM_OPTIONS = Symbol('STREAM_OPTIONS');

/** Tracked faces are checked between recognitions only while at most this many frames are in the drawing stage (see confirmed()). */
const MAX_BACKLOG_FOR_CHECK = 2;

export interface StreamOptions {
  /** Recognise every Nth frame. */
  recognizeEveryN: number;
  /**
   * How long a frame sent to recognition may wait for its own result before it is drawn with
   * the previous one. Only while recognition typically finishes within this time: with a slow
   * engine, waiting would only add latency, so frames are drawn with the newest result at once.
   */
  overlayWaitMs: number;
  /**
   * On frames without their own detection, draw a tracked face only where a quick detection
   * around its predicted box finds it again (when the engine can; else every predicted box).
   */
  confirmTracks: boolean;
  /** Frames allowed to queue for rendering before the oldest are dropped. */
  maxRenderQueue: number;
  /** The offline image while the camera is down: how often, and after how long without frames. */
  placeholder?: PlaceholderPolicy;
}

/**
 * Wires camera → recognition → rendered output. Every Nth frame goes to recognition (newest
 * frame first when busy), which updates the face tracker; every frame is drawn with the
 * tracker's boxes for that frame (predicted between detections) and its voted names.
 */
@Injectable()
export class StreamService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StreamService.name);
  private readonly recognitionsSubject = new Subject<RecognitionEvent>();
  private readonly outputSubject = new Subject<AnnotatedFrame>();
  private readonly observationsSubject = new Subject<FrameObservation>();
  /** Each recognition result, for the gateway and metrics. */
  readonly recognitions$: Observable<RecognitionEvent> = this.recognitionsSubject.asObservable();
  /** Each recognition result with the frame's pixels and the embeddings made (sightings, unknown faces). */
  readonly observations$: Observable<FrameObservation> = this.observationsSubject.asObservable();
  /**
   * Every encoded output frame, in capture order; while the camera is down, the offline image
   * (`offline: true`) at a low rate. Subscriptions are counted (stats.frameSubscriptions).
   */
  readonly frames$: Observable<AnnotatedFrame> = new Observable<AnnotatedFrame>((subscriber) => {
    this.stats.frameSubscriptions++;
    const inner = this.outputSubject.subscribe(subscriber);
    return () => {
      this.stats.frameSubscriptions--;
      inner.unsubscribe();
    };
  });
  /** How late the main thread runs (a hung camera must not show here). */
  readonly eventLoopDelay = new EventLoopDelayMonitor();

  /** Highest frame index whose recognition is over (done, failed or dropped): frames up to it need not wait. */
  private readonly settledThrough$ = new BehaviorSubject<number>(-1);
  private latestFrame?: AnnotatedFrame;
  /** The last camera frame encoded, darkened into the offline image. */
  private lastLiveFrame?: AnnotatedFrame;
  private readonly startedAt = performance.now();
  /** When the last camera frame arrived (performance.now()). */
  private lastFrameArrivedAt?: number;
  private lastPlaceholderAt?: number;
  private placeholderTimer?: NodeJS.Timeout;
  private placeholderInFlight = false;
  /** Frames in the drawing stage: the one being drawn and those waiting behind it. */
  private renderBacklog = 0;
  /** Moving average of recognition time (ms), to decide whether waiting for it pays. */
  private typicalRecognitionMs = 0;
  private subscriptions: Subscription[] = [];
  readonly stats: StreamStats = {
    framesIn: 0,
    framesOut: 0,
    recognitionsRun: 0,
    facesDetected: 0,
    facesEmbedded: 0,
    recognitionsFailed: 0,
    recognitionDropped: 0,
    outputDropped: 0,
    framesEncoded: 0,
    placeholdersSent: 0,
    viewers: 0,
    viewersTotal: 0,
    viewerFramesSent: 0,
    viewerFramesDropped: 0,
    frameSubscriptions: 0,
    tracksConfirmed: 0,
    tracksHidden: 0,
    tracksUnchecked: 0,
  };

  private readonly tracker: FaceTracker;
  /** Whether a frame goes to recognition (the prototype's "every other frame"). */
  private readonly isChosen: (frame: Frame) => boolean;

  constructor(
    private readonly camera: CameraService,
    private readonly recognition: RecognitionService,
    private readonly gallery: GalleryService,
    private readonly renderer: RenderClient,
    @Inject(STREAM_OPTIONS) private readonly options: StreamOptions,
  ) {
    this.tracker = new FaceTracker({ matchThreshold: recognition.matchPolicy.threshold });
    this.isChosen = isEveryNth(options.recognizeEveryN);
  }

  onApplicationBootstrap(): void {
    this.start(this.camera.frames$);
    this.camera.start();
    this.eventLoopDelay.start();
    const policy = this.options.placeholder;
    if (policy) {
      this.placeholderTimer = setInterval(() => this.maybeSendPlaceholder(policy), Math.max(20, Math.min(250, policy.intervalMs / 2)));
      this.placeholderTimer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.placeholderTimer);
    this.eventLoopDelay.stop();
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.outputSubject.complete();
    this.recognitionsSubject.complete();
    this.observationsSubject.complete();
  }

  /** The most recent encoded frame (for snapshots and new viewers). */
  get latest(): AnnotatedFrame | undefined {
    return this.latestFrame;
  }

  /** Connects a frame source; exposed so the benchmark can drive the same pipeline. */
  start(source$: Observable<Frame>): void {
    const frames$ = source$.pipe(share());
    // A new gallery also moves the open-set threshold the votes are weighed with.
    this.subscriptions.push(this.gallery.changes$.subscribe(() => this.tracker.forgetIdentities(this.recognition.matchPolicy.threshold)));
    // Recognition subscribes first, so a chosen frame is in flight before its render asks for it.
    this.subscriptions.push(
      frames$
        .pipe(
          filter(this.isChosen),
          latestWins(
            (frame) => this.recognize(frame),
            (dropped) => {
              this.stats.recognitionDropped++;
              this.settle(dropped.index);
            },
          ),
        )
        .subscribe((observation) => {
          if (!observation) return;
          const { image, embeddings, ...event } = observation;
          this.recognitionsSubject.next(event);
          this.observationsSubject.next(observation);
        }),
    );
    this.subscriptions.push(
      frames$
        .pipe(
          map((frame) => {
            this.stats.framesIn++;
            this.renderBacklog++;
            this.lastFrameArrivedAt = performance.now();
            return frame;
          }),
          boundedConcatMap(
            (frame) =>
              this.annotate(frame).finally(() => {
                this.renderBacklog--;
                frame.release();
              }),
            this.options.maxRenderQueue,
            (dropped) => {
              this.stats.outputDropped++;
              this.renderBacklog--;
              dropped.release();
            },
          ),
        )
        .subscribe({
          next: (annotated) => {
            if (!annotated) return;
            this.stats.framesOut++;
            this.latestFrame = annotated;
            this.lastLiveFrame = annotated;
            this.outputSubject.next(annotated);
          },
          complete: () => this.outputSubject.complete(),
        }),
    );
  }

  private async recognize(frame: Frame): Promise<FrameObservation | null> {
    const timings: RecognitionTimings = { inferenceMs: 0, detectMs: 0, embedMs: 0, matchingMs: 0 };
    try {
      const started = performance.now();
      let inputs: TrackInput[] = [];
      // Detect everything, but embed only the faces the tracker cannot vouch for yet.
      const faces = await this.recognition.recognizeFrame(
        frame,
        (detected) => {
          inputs = detected.map((face) => ({ ...face, poorQuality: isPoorView(face) }));
          return this.tracker.planEmbeddings(frame.index, inputs).map((decision) => decision.embed);
        },
        timings,
      );
      faces.forEach((face, i) => {
        if (face.match) inputs[i].recognition = { personId: face.match.personId, name: face.match.name, similarity: face.match.similarity };
      });
      const update = this.tracker.update(frame.index, inputs);
      this.typicalRecognitionMs = 0.8 * this.typicalRecognitionMs + 0.2 * (performance.now() - started);
      this.stats.recognitionsRun++;
      this.stats.facesEmbedded += faces.filter((face) => face.match).length;
      this.stats.facesDetected += faces.length;
      const views = new Map(update.tracks.map((view) => [view.trackId, view]));
      return {
        frameIndex: frame.index,
        capturedAt: frame.capturedAt,
        recognizedAt: Date.now(),
        ...timings,
        faces: faces.map((face, i) => this.present(views.get(update.trackIds[i])!, face)),
        image: frame.image,
        embeddings: faces.map((face) => face.embedding),
      };
    } catch (err) {
      // One bad frame or a busy engine must not end the stream; the tracks coast meanwhile.
      this.stats.recognitionsFailed++;
      this.logger.warn(`recognition failed on frame ${frame.index}: ${err instanceof Error ? err.message : err}`);
      return null;
    } finally {
      this.settle(frame.index);
    }
  }

  private async annotate(frame: Frame): Promise<AnnotatedFrame | null> {
    await this.ownRecognition(frame);
    // A track the last detection missed is kept (it may be found again under the same
    // identity) but not drawn: a box where no face was found is worse than a brief gap.
    const tracked = this.tracker.boxesAt(frame.index).filter((view) => !view.lost);
    const checkStarted = performance.now();
    const shown = await this.confirmed(frame, tracked);
    const confirmMs = shown === tracked ? undefined : performance.now() - checkStarted;
    const faces = shown.map((view) => this.present(view));
    const items: OverlayItem[] = faces.map((face) => ({
      box: face.box,
      label: faceLabel(face.name, face.confidence),
      known: face.personId !== null,
    }));
    try {
      const { jpeg, drawMs, encodeMs } = await this.renderer.render(frame.image, items);
      this.stats.framesEncoded++;
      return {
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
    // this one): frames on time matter more than boxes checked.
    if (this.renderBacklog > MAX_BACKLOG_FOR_CHECK) {
      this.stats.tracksUnchecked += predicted.length;
      return views;
    }
    try {
      if (!this.recognition.canFindFacesNear) return views;
      const found = await this.recognition.findFacesNear(
        frame,
        predicted.map((view) => view.box),
      );
      const confirmed = new Map(this.tracker.confirm(predicted, found).map((view) => [view.trackId, view]));
      this.stats.tracksConfirmed += confirmed.size;
      this.stats.tracksHidden += predicted.length - confirmed.size;
      return views.flatMap((view) => (view.lastSeen === frame.index ? [view] : (confirmed.get(view.trackId) ?? [])));
    } catch (err) {
      this.logger.warn(`checking tracked faces on frame ${frame.index} failed: ${err instanceof Error ? err.message : err}`);
      return views;
    }
  }

  /**
   * While the camera is down (or silent), viewers get an offline image at a low rate instead of
   * a frozen stream: the last picture darkened with a message, drawn in the vision thread.
   */
  private maybeSendPlaceholder(policy: PlaceholderPolicy): void {
    if (this.placeholderInFlight || this.outputSubject.closed) return;
    const now = performance.now();
    const reason = placeholderDue(
      { now, cameraState: this.camera.state$.value, startedAt: this.startedAt, lastFrameAt: this.lastFrameArrivedAt, lastPlaceholderAt: this.lastPlaceholderAt },
      policy,
    );
    if (!reason) return;
    this.lastPlaceholderAt = now;
    this.placeholderInFlight = true;
    const last = this.lastLiveFrame;
    const status = this.camera.getStatus();
    const lines = placeholderLines(reason, now - (this.lastFrameArrivedAt ?? this.startedAt));
    this.renderer
      .placeholder(last?.jpeg, status.width || 1280, status.height || 720, lines)
      .then(({ jpeg, drawMs, encodeMs }) => {
        // A live frame may have arrived meanwhile: then the offline image is already stale.
        if (this.lastFrameArrivedAt !== undefined && this.lastFrameArrivedAt > now) return;
        const frame: AnnotatedFrame = {
          index: last?.index ?? -1,
          position: last?.position ?? -1,
          capturedAt: last?.capturedAt ?? 0,
          encodedAt: performance.timeOrigin + performance.now(),
          faces: [],
          jpeg,
          drawMs,
          encodeMs,
          offline: true,
        };
        this.stats.placeholdersSent++;
        this.latestFrame = frame;
        this.outputSubject.next(frame);
      })
      .catch((err) => this.logger.warn(`drawing the offline image failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => (this.placeholderInFlight = false));
  }

  /**
   * A tracked face as viewers see it. Names come from the gallery at this moment, so a rename
   * shows at once and a deleted person is Unknown at once, whatever the track's past votes.
   */
  private present(view: TrackView, detected?: DetectedFace): RecognizedFace {
    const name = view.personId === null ? undefined : this.recognition.nameOf(view.personId);
    const known = name !== undefined;
    return {
      trackId: view.trackId,
      box: view.box,
      landmarks: detected?.landmarks ?? [],
      score: detected?.score ?? 0,
      personId: known ? view.personId : null,
      name: known ? name : UNKNOWN,
      similarity: view.similarity,
      confidence: known || view.personId === null ? view.confidence : 0,
    };
  }

  private settle(frameIndex: number): void {
    if (frameIndex > this.settledThrough$.value) this.settledThrough$.next(frameIndex);
  }

  /** A frame chosen for recognition waits for it (bounded), so its boxes are its own. */
  private async ownRecognition(frame: Frame): Promise<void> {
    const worthWaiting = this.typicalRecognitionMs <= this.options.overlayWaitMs;
    if (this.isChosen(frame) && worthWaiting && this.settledThrough$.value < frame.index) {
      await firstValueFrom(
        this.settledThrough$.pipe(
          filter((settled) => settled >= frame.index),
          timeout({ first: this.options.overlayWaitMs, with: () => of(-1) }),
        ),
      );
    }
  }
}
