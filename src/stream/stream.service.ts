import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BehaviorSubject, filter, firstValueFrom, map, Observable, of, share, Subject, Subscription, timeout } from 'rxjs';
import { CameraService } from '../camera/camera.service';
import type { Frame } from '../camera/frame';
import { RecognitionService, RecognitionTimings } from '../recognition/recognition.service';
import { boundedConcatMap, isEveryNth, latestWins } from './backpressure';
import { faceLabel, OverlayItem } from './overlay';
import { RenderClient } from './render/render.client';
import type { AnnotatedFrame, RecognitionEvent, StreamStats } from './stream.types';

export const STREAM_OPTIONS = Symbol('STREAM_OPTIONS');

export interface StreamOptions {
  /** Recognise every Nth frame. */
  recognizeEveryN: number;
  /**
   * How long a frame sent to recognition may wait for its own result before it is drawn with
   * the previous one. Only while recognition typically finishes within this time: with a slow
   * engine, waiting would only add latency, so frames are drawn with the newest result at once.
   */
  overlayWaitMs: number;
  /** Boxes older than this are not drawn (the scene may have changed). */
  overlayMaxAgeMs: number;
  /** Frames allowed to queue for rendering before the oldest are dropped. */
  maxRenderQueue: number;
}

interface OverlayState {
  frameIndex: number;
  capturedAt: number;
  faces: RecognitionEvent['faces'];
}

/**
 * Wires camera → recognition → rendered output. Every frame is rendered with the newest
 * known faces; every Nth frame also goes to recognition, newest frame first when busy.
 */
@Injectable()
export class StreamService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StreamService.name);
  private readonly recognitionsSubject = new Subject<RecognitionEvent>();
  private readonly outputSubject = new Subject<AnnotatedFrame>();
  /** Each recognition result, for the gateway and metrics. */
  readonly recognitions$: Observable<RecognitionEvent> = this.recognitionsSubject.asObservable();
  /** Every encoded output frame, in capture order. */
  readonly frames$: Observable<AnnotatedFrame> = this.outputSubject.asObservable();

  private readonly overlay$ = new BehaviorSubject<OverlayState>({ frameIndex: -1, capturedAt: 0, faces: [] });
  /** Highest frame index whose recognition is over (done, failed or dropped): frames up to it need not wait. */
  private readonly settledThrough$ = new BehaviorSubject<number>(-1);
  private latestFrame?: AnnotatedFrame;
  /** Moving average of recognition time (ms), to decide whether waiting for it pays. */
  private typicalRecognitionMs = 0;
  private subscriptions: Subscription[] = [];
  readonly stats: StreamStats = {
    framesIn: 0,
    framesOut: 0,
    recognitionsRun: 0,
    recognitionsFailed: 0,
    recognitionDropped: 0,
    outputDropped: 0,
    viewers: 0,
  };

  constructor(
    private readonly camera: CameraService,
    private readonly recognition: RecognitionService,
    private readonly renderer: RenderClient,
    @Inject(STREAM_OPTIONS) private readonly options: StreamOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.start(this.camera.frames$);
    this.camera.start();
  }

  async onModuleDestroy(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.outputSubject.complete();
    this.recognitionsSubject.complete();
  }

  /** The most recent encoded frame (for snapshots and new viewers). */
  get latest(): AnnotatedFrame | undefined {
    return this.latestFrame;
  }

  /** Connects a frame source; exposed so the benchmark can drive the same pipeline. */
  start(source$: Observable<Frame>): void {
    const frames$ = source$.pipe(share());
    // Recognition subscribes first, so a chosen frame is in flight before its render asks for it.
    this.subscriptions.push(
      frames$
        .pipe(
          filter(isEveryNth(this.options.recognizeEveryN)),
          latestWins(
            (frame) => this.recognize(frame),
            (dropped) => {
              this.stats.recognitionDropped++;
              this.settle(dropped.index);
            },
          ),
        )
        .subscribe((event) => {
          if (!event) return;
          this.overlay$.next({ frameIndex: event.frameIndex, capturedAt: event.capturedAt, faces: event.faces });
          this.settle(event.frameIndex);
          this.recognitionsSubject.next(event);
        }),
    );
    this.subscriptions.push(
      frames$
        .pipe(
          map((frame) => {
            this.stats.framesIn++;
            return frame;
          }),
          boundedConcatMap(
            (frame) => this.annotate(frame).finally(() => frame.release()),
            this.options.maxRenderQueue,
            (dropped) => {
              this.stats.outputDropped++;
              dropped.release();
            },
          ),
        )
        .subscribe({
          next: (annotated) => {
            if (!annotated) return;
            this.stats.framesOut++;
            this.latestFrame = annotated;
            this.outputSubject.next(annotated);
          },
          complete: () => this.outputSubject.complete(),
        }),
    );
  }

  private async recognize(frame: Frame): Promise<RecognitionEvent | null> {
    const timings: RecognitionTimings = { inferenceMs: 0, detectMs: 0, embedMs: 0, matchingMs: 0 };
    try {
      const started = performance.now();
      const faces = await this.recognition.recognizeFrame(frame, timings);
      this.typicalRecognitionMs = 0.8 * this.typicalRecognitionMs + 0.2 * (performance.now() - started);
      this.stats.recognitionsRun++;
      return { frameIndex: frame.index, capturedAt: frame.capturedAt, recognizedAt: Date.now(), ...timings, faces };
    } catch (err) {
      // One bad frame or a worker restart must not end the stream.
      this.stats.recognitionsFailed++;
      this.settle(frame.index);
      this.logger.warn(`recognition failed on frame ${frame.index}: ${err instanceof Error ? err.message : err}`);
      return null;
    }
  }

  private async annotate(frame: Frame): Promise<AnnotatedFrame | null> {
    const overlay = await this.overlayFor(frame);
    const fresh = frame.capturedAt - overlay.capturedAt <= this.options.overlayMaxAgeMs;
    const faces = fresh ? overlay.faces : [];
    const items: OverlayItem[] = faces.map((face) => ({
      box: face.box,
      label: faceLabel(face.name, face.confidence),
      known: face.personId !== null,
    }));
    try {
      const { jpeg, drawMs, encodeMs } = await this.renderer.render(frame.image, items);
      return {
        index: frame.index,
        position: frame.position,
        capturedAt: frame.capturedAt,
        encodedAt: performance.timeOrigin + performance.now(),
        overlayFrameIndex: fresh ? overlay.frameIndex : -1,
        faces,
        jpeg,
        drawMs,
        encodeMs,
      };
    } catch (err) {
      this.stats.outputDropped++;
      this.logger.warn(`rendering frame ${frame.index} failed: ${err instanceof Error ? err.message : err}`);
      return null;
    }
  }

  private settle(frameIndex: number): void {
    if (frameIndex > this.settledThrough$.value) this.settledThrough$.next(frameIndex);
  }

  /** The faces to draw on `frame`: its own recognition if it was chosen (bounded wait), else the newest. */
  private async overlayFor(frame: Frame): Promise<OverlayState> {
    const chosen = isEveryNth(this.options.recognizeEveryN)(frame);
    const worthWaiting = this.typicalRecognitionMs <= this.options.overlayWaitMs;
    if (chosen && worthWaiting && this.settledThrough$.value < frame.index) {
      await firstValueFrom(
        this.settledThrough$.pipe(
          filter((settled) => settled >= frame.index),
          timeout({ first: this.options.overlayWaitMs, with: () => of(-1) }),
        ),
      );
    }
    return this.overlay$.value;
  }
}
