import { BehaviorSubject, Subject } from 'rxjs';
import { initialCameraStatus, type CameraOptions, type CameraState, type CameraStatus } from '../../src/camera/camera-capture';
import { CapturePort, FrameSource } from '../../src/camera/capture.port';
import type { Frame } from '../../src/camera/frame';
import { frameHolds } from '../../src/camera/frame-holds';
import type { Box, DetectedFace } from '../../src/recognition/face.types';
import type { CameraRecognition, FrameContext, FrameFace, RecognitionTimings } from '../../src/recognition/recognition.service';

/** A capture that emits exactly the frames a test pushes. */
export class FakeCapture implements FrameSource {
  readonly frames = new Subject<Frame>();
  readonly frames$ = this.frames.asObservable();
  readonly state$ = new BehaviorSubject<CameraState>('idle');
  started = false;
  stopped = false;
  released = 0;
  /** Indexes of the frames whose buffers were given back for reuse. */
  recycled: number[] = [];

  constructor(readonly options: CameraOptions) {}

  /** Sources named "broken" fail to open, "silent" never deliver; the others go live at once. */
  start(): void {
    this.started = true;
    const path = this.options.source.kind === 'file' ? this.options.source.path : '';
    if (path.includes('broken')) this.state$.next('reconnecting');
    else if (path.includes('silent')) this.state$.next('connecting');
    else this.state$.next('live');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state$.next('stopped');
    this.frames.complete();
  }

  getStatus(): CameraStatus {
    return {
      ...initialCameraStatus(String(this.options.source.kind)),
      state: this.state$.value,
      width: 64,
      height: 48,
      fps: 25,
      ...(this.state$.value === 'reconnecting' ? { lastError: 'cannot open source' } : {}),
    };
  }

  push(index: number): Frame {
    // Pooled like ffmpeg capture's frames: back for reuse once the pipeline and every holder let go.
    const holds = frameHolds(() => this.recycled.push(index));
    const frame: Frame = {
      index,
      position: index,
      capturedAt: Date.now(),
      readMs: 1,
      image: { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3) },
      release: () => this.released++,
      recycle: holds.done,
      hold: holds.hold,
    };
    this.frames.next(frame);
    return frame;
  }
}

/** Opens FakeCaptures and keeps them by camera name. */
export class FakeCapturePort extends CapturePort {
  readonly opened = new Map<string, FakeCapture>();
  open(options: CameraOptions): FakeCapture {
    const capture = new FakeCapture(options);
    this.opened.set(options.name ?? '?', capture);
    return capture;
  }
}

const FACE: DetectedFace = {
  box: { x: 100, y: 100, width: 100, height: 120 },
  landmarks: [[130, 150], [170, 150], [150, 175], [133, 200], [167, 200]],
  score: 0.95,
};

/** Recognition that "finds" one face named after the camera, recording which camera each call was for. */
export class FakeRecognition {
  readonly calls: Array<{ camera: string; frame: number }> = [];
  /** Per call, the tracked faces' boxes the pipeline passed for motion gating. */
  readonly trackedBoxes: Box[][] = [];
  readonly forgotten: string[] = [];
  readonly matchRule = { kind: 'fixed' as const, threshold: 0.3, margin: 0.05 };
  canFindFacesNear = false;
  /** Recognitions the fake inference thread is "behind" on (RecognitionService.recognitionsPending). */
  recognitionsPending = 0;
  /** Frames the quick check of tracked faces ran on. */
  readonly checkedFrames: number[] = [];

  policyOf() {
    return { threshold: 0.3, margin: 0.05 };
  }

  ruleFor() {
    return this.matchRule;
  }

  nameOf(personId: number): string | undefined {
    return personId === 1 ? 'Ada' : undefined;
  }

  async recognizeFrame(
    camera: CameraRecognition,
    frame: Frame,
    needsEmbedding: (faces: DetectedFace[], context: FrameContext) => boolean[],
    _timings?: RecognitionTimings,
    tracked: Box[] = [],
  ): Promise<FrameFace[]> {
    this.calls.push({ camera: camera.camera, frame: frame.index });
    this.trackedBoxes.push(tracked);
    const wanted = needsEmbedding([FACE], { sceneCut: false, scope: 'frame' });
    return [{ ...FACE, embedding: wanted[0] ? new Float32Array(4) : null, match: wanted[0] ? { personId: 1, name: 'Ada', similarity: 0.8, confidence: 95 } : null }] as FrameFace[];
  }

  async findFacesNear(_camera: CameraRecognition, frame: Frame): Promise<DetectedFace[]> {
    this.checkedFrames.push(frame.index);
    return [FACE];
  }

  async forgetCamera(camera: string): Promise<void> {
    this.forgotten.push(camera);
  }
}

/** Drawing that only counts and returns a tiny "JPEG". */
export class FakeRenderer {
  rendered = 0;
  /** The regions each render was asked to blur. */
  hidden: unknown[][] = [];
  /** The polygons each render was asked to mask. */
  masked: unknown[][] = [];
  async render(_image?: unknown, _overlay?: unknown, _quality?: number, hidden: unknown[] = [], masked: unknown[] = []) {
    this.rendered++;
    this.hidden.push(hidden);
    this.masked.push(masked);
    return { jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), drawMs: 0, encodeMs: 0 };
  }
  async placeholder() {
    return { jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), drawMs: 0, encodeMs: 0 };
  }
}

export class FakeGallery {
  readonly changes$ = new Subject<void>();
  size = 1;
}
