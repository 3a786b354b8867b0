import { Logger } from '@nestjs/common';
import { BehaviorSubject, filter, firstValueFrom, of, timeout } from 'rxjs';
import type { Frame } from '../../camera/frame';
import type { CameraRecognition, RecognitionService, RecognitionTimings } from '../../recognition/recognition.service';
import { FaceTracker, FrameContext, isPoorView, TrackInput } from '../../tracking';
import type { FrameObservation, StreamStats } from '../stream.types';
import { presentFace } from './present-face';

/**
 * One camera's recognition: detect on the frame, let the tracker decide which faces need an
 * embedding, embed and name those, update the tracker. Also knows which frames are settled
 * (their recognition is over), so the drawing stage can wait for a frame's own result.
 */
export class RecognitionStage {
  readonly tracker: FaceTracker;
  /** Highest frame index whose recognition is over (done, failed or dropped): frames up to it need not wait. */
  private readonly settledThrough$ = new BehaviorSubject<number>(-1);
  /** Moving average of recognition time (ms), to decide whether waiting for it pays. */
  private typicalMs = 0;

  constructor(
    private readonly camera: CameraRecognition,
    private readonly recognition: RecognitionService,
    private readonly stats: StreamStats,
    private readonly logger: Logger,
    newTrackId: () => number,
  ) {
    this.tracker = new FaceTracker({ matchThreshold: this.threshold }, newTrackId);
  }

  private get threshold(): number {
    return this.recognition.policyOf(this.camera.matchRule).threshold;
  }

  /** A new gallery also moves the open-set threshold the votes are weighed with. */
  galleryChanged(): void {
    this.tracker.forgetIdentities(this.threshold);
  }

  async recognize(frame: Frame): Promise<FrameObservation | null> {
    const timings: RecognitionTimings = { inferenceMs: 0, detectMs: 0, embedMs: 0, matchingMs: 0 };
    try {
      const started = performance.now();
      let inputs: TrackInput[] = [];
      let context: FrameContext = {};
      // Detect everything (or, with motion gating, around the tracked faces when nothing else
      // moved), but embed only the faces the tracker cannot vouch for yet.
      const tracked = this.tracker.boxesAt(frame.index).map((view) => view.box);
      const faces = await this.recognition.recognizeFrame(
        this.camera,
        frame,
        (detected, scene) => {
          inputs = detected.map((face) => ({ ...face, poorQuality: isPoorView(face) }));
          context = { sceneCut: scene.sceneCut };
          if (context.sceneCut) this.stats.sceneCuts++;
          this.stats.detections[scene.scope]++;
          return this.tracker.planEmbeddings(frame.index, inputs, context).map((decision) => decision.embed);
        },
        timings,
        tracked,
      );
      faces.forEach((face, i) => {
        if (face.match) inputs[i].recognition = { personId: face.match.personId, name: face.match.name, similarity: face.match.similarity };
      });
      const update = this.tracker.update(frame.index, inputs, context);
      this.typicalMs = 0.8 * this.typicalMs + 0.2 * (performance.now() - started);
      this.stats.recognitionsRun++;
      this.stats.facesEmbedded += faces.filter((face) => face.match).length;
      this.stats.facesDetected += faces.length;
      const views = new Map(update.tracks.map((view) => [view.trackId, view]));
      const nameOf = (personId: number) => this.recognition.nameOf(personId);
      return {
        camera: this.camera.camera,
        frameIndex: frame.index,
        capturedAt: frame.capturedAt,
        recognizedAt: Date.now(),
        ...timings,
        faces: faces.map((face, i) => presentFace(views.get(update.trackIds[i])!, nameOf, face)),
        image: frame.image,
        embeddings: faces.map((face) => face.embedding),
        hold: () => frame.hold?.() ?? (() => undefined),
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

  /** A frame chosen for recognition was replaced by a newer one: nobody needs to wait for it. */
  dropped(frame: Frame): void {
    this.stats.recognitionDropped++;
    this.settle(frame.index);
  }

  /** A chosen frame waits (at most `waitMs`) for its own result, so its boxes are its own. */
  async settled(frame: Frame, waitMs: number): Promise<void> {
    const worthWaiting = this.typicalMs <= waitMs;
    if (!worthWaiting || this.settledThrough$.value >= frame.index) return;
    await firstValueFrom(
      this.settledThrough$.pipe(
        filter((settled) => settled >= frame.index),
        timeout({ first: waitMs, with: () => of(-1) }),
      ),
      { defaultValue: -1 },
    );
  }

  complete(): void {
    this.settledThrough$.complete();
  }

  private settle(frameIndex: number): void {
    if (frameIndex > this.settledThrough$.value) this.settledThrough$.next(frameIndex);
  }
}
