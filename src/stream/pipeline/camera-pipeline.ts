import { Logger } from '@nestjs/common';
import { filter, map, Observable, share, Subject, Subscription, take, timeout } from 'rxjs';
import type { CameraStatus } from '../../camera/camera-capture';
import type { FrameSource } from '../../camera/capture.port';
import type { Frame } from '../../camera/frame';
import type { EventBus } from '../../events/event-bus';
import type { GalleryService } from '../../recognition/gallery.service';
import type { RecognitionService, RecognizedFace } from '../../recognition/recognition.service';
import { boundedConcatMap, isEveryNth, latestWins } from '../backpressure';
import type { RenderClient } from '../render/render.client';
import type { AnnotatedFrame, RecognitionEvent, StreamStats } from '../stream.types';
import { OfflineImage } from './offline-image';
import type { PipelineSettings } from './pipeline-settings';
import { RecognitionStage } from './recognition-stage';
import { RenderStage } from './render-stage';

/** What a pipeline is built from: its capture and the shared services. */
export interface PipelineParts {
  capture: FrameSource;
  recognition: RecognitionService;
  gallery: GalleryService;
  renderer: RenderClient;
  events: EventBus;
  /** Track ids are unique across cameras: every pipeline's tracker draws from this. */
  newTrackId: () => number;
}

export function emptyStreamStats(): StreamStats {
  return {
    framesIn: 0,
    framesOut: 0,
    recognitionsRun: 0,
    facesDetected: 0,
    facesEmbedded: 0,
    recognitionsFailed: 0,
    recognitionDropped: 0,
    sceneCuts: 0,
    detections: { frame: 0, tracks: 0, none: 0 },
    outputDropped: 0,
    framesEncoded: 0,
    framesUnwatched: 0,
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
}

/**
 * One camera's path from capture to viewers: every Nth frame goes to recognition (newest first
 * when busy), which updates the camera's tracker; while someone watches, every frame is drawn
 * with the tracker's boxes for it and encoded once for all viewers. Created and stopped by the
 * camera registry; nothing in it is shared with another camera but the engine and the gallery.
 */
export class CameraPipeline {
  readonly stats: StreamStats = emptyStreamStats();
  private readonly logger: Logger;
  private readonly outputSubject = new Subject<AnnotatedFrame>();
  private readonly recognitionsSubject = new Subject<RecognitionEvent>();
  /** Every recognised frame of this camera (also on the event bus as "frame.recognized"). */
  readonly recognitions$: Observable<RecognitionEvent> = this.recognitionsSubject.asObservable();
  /**
   * Every encoded output frame, in capture order; while the camera is down, the offline image
   * (`offline: true`) at a low rate. Frames are drawn only while this has subscribers (counted
   * in stats.frameSubscriptions): a camera nobody watches costs capture and recognition only.
   */
  readonly frames$: Observable<AnnotatedFrame> = new Observable<AnnotatedFrame>((subscriber) => {
    this.stats.frameSubscriptions++;
    const inner = this.outputSubject.subscribe(subscriber);
    return () => {
      this.stats.frameSubscriptions--;
      inner.unsubscribe();
    };
  });
  private readonly recognizer: RecognitionStage;
  private readonly renderStage: RenderStage;
  private readonly offline?: OfflineImage;
  private readonly isChosen: (frame: Frame) => boolean;
  private subscriptions: Subscription[] = [];
  private latestFrame?: AnnotatedFrame;
  private lastLiveFrame?: AnnotatedFrame;
  private lastFrameArrivedAt?: number;
  private lastFaces: RecognizedFace[] = [];
  private stopped = false;

  constructor(
    readonly settings: PipelineSettings,
    private readonly parts: PipelineParts,
  ) {
    this.logger = new Logger(`Pipeline ${settings.camera}`);
    this.isChosen = isEveryNth(settings.recognizeEveryN);
    this.recognizer = new RecognitionStage(settings.recognition, parts.recognition, this.stats, this.logger, parts.newTrackId);
    this.renderStage = new RenderStage(settings.recognition, settings, parts.recognition, this.recognizer, parts.renderer, this.stats, this.logger);
    if (settings.placeholder) {
      this.offline = new OfflineImage(
        settings.camera,
        settings.placeholder,
        parts.capture,
        parts.renderer,
        settings.jpegQuality,
        this.stats,
        this.logger,
        { lastFrameArrivedAt: () => this.lastFrameArrivedAt, lastLiveFrame: () => this.lastLiveFrame, watched: () => this.watched },
        (frame) => this.publish(frame),
      );
    }
  }

  get name(): string {
    return this.settings.camera;
  }

  /** Someone (a viewer, a snapshot request) wants drawn frames. */
  get watched(): boolean {
    return this.stats.frameSubscriptions > 0;
  }

  /** The most recent encoded frame (for snapshots and new viewers); may be old when nobody watches. */
  get latest(): AnnotatedFrame | undefined {
    return this.latestFrame;
  }

  /** The faces of the newest recognised frame. */
  get facesInView(): RecognizedFace[] {
    return this.lastFaces;
  }

  captureStatus(): CameraStatus {
    return this.parts.capture.getStatus();
  }

  get capture(): FrameSource {
    return this.parts.capture;
  }

  /** Starts capturing and processing. */
  start(): void {
    this.connect(this.parts.capture.frames$);
    this.parts.capture.start();
    this.offline?.start();
  }

  /** A fresh annotated frame: the latest if someone watches, else the next one drawn for this request. */
  async snapshot(waitMs = 3000): Promise<AnnotatedFrame | undefined> {
    const latest = this.latestFrame;
    if (latest && (this.watched || latest.offline)) return latest;
    const next = new Promise<AnnotatedFrame | undefined>((resolve) => {
      this.frames$.pipe(take(1), timeout({ first: waitMs, with: () => [undefined] })).subscribe({ next: resolve, complete: () => resolve(this.latestFrame) });
    });
    return (await next) ?? this.latestFrame;
  }

  /** Stops capture and every stage; viewers' streams end. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.offline?.stop();
    await this.parts.capture.stop();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
    this.recognizer.complete();
    this.outputSubject.complete();
    this.recognitionsSubject.complete();
    await this.parts.recognition.forgetCamera(this.name);
  }

  /** Connects a frame source (the capture's, or the benchmark's). */
  connect(source$: Observable<Frame>): void {
    const frames$ = source$.pipe(share());
    this.subscriptions.push(this.parts.gallery.changes$.subscribe(() => this.recognizer.galleryChanged()));
    // Recognition subscribes first, so a chosen frame is in flight before its render asks for it.
    // It holds the frame's pixels from the moment it is chosen (drawing may finish with it first)
    // until the observers of its result have taken their own holds.
    this.subscriptions.push(
      frames$
        .pipe(
          filter(this.isChosen),
          map((frame) => ({ frame, letGo: frame.hold?.() })),
          latestWins(
            async ({ frame, letGo }) => ({ letGo, observation: await this.recognizer.recognize(frame) }),
            ({ frame, letGo }) => {
              letGo?.();
              this.recognizer.dropped(frame);
            },
          ),
        )
        .subscribe(({ letGo, observation }) => {
          try {
            if (!observation) return;
            const { image, embeddings, hold, ...event } = observation;
            this.lastFaces = event.faces;
            this.recognitionsSubject.next(event);
            this.parts.events.emit('frame.recognized', event);
            this.parts.events.emit('frame.observed', observation);
          } finally {
            letGo?.();
          }
        }),
    );
    this.subscriptions.push(
      frames$
        .pipe(
          map((frame) => {
            this.stats.framesIn++;
            this.lastFrameArrivedAt = performance.now();
            return frame;
          }),
          // Drawing and encoding are for viewers: a camera nobody watches skips them.
          filter((frame) => {
            if (this.watched) return true;
            this.stats.framesUnwatched++;
            this.done(frame);
            return false;
          }),
          map((frame) => {
            this.renderStage.backlog++;
            return frame;
          }),
          boundedConcatMap(
            (frame) =>
              this.renderStage.annotate(frame, this.isChosen(frame)).finally(() => {
                this.renderStage.backlog--;
                this.done(frame);
              }),
            this.settings.maxRenderQueue,
            (dropped) => {
              this.stats.outputDropped++;
              this.renderStage.backlog--;
              this.done(dropped);
            },
          ),
        )
        .subscribe({
          next: (annotated) => {
            if (!annotated) return;
            this.stats.framesOut++;
            this.lastLiveFrame = annotated;
            this.publish(annotated);
          },
          complete: () => this.outputSubject.complete(),
        }),
    );
  }

  /**
   * The drawing branch is done with a frame (drawing copies the pixels into its own Mat). Its
   * buffer is reused once recognition and recorders, who hold it themselves, are done too.
   */
  private done(frame: Frame): void {
    frame.release();
    frame.recycle?.();
  }

  private publish(frame: AnnotatedFrame): void {
    this.latestFrame = frame;
    this.outputSubject.next(frame);
  }
}
