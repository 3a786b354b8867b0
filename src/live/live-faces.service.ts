import { Injectable, NotFoundException, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { PeopleService } from '../people/people.service';
import type { Person } from '../people/entities/person.entity';
import type { BgrImage, Box } from '../recognition/face.types';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { EventBus } from '../events/event-bus';
import { FaceChangeBook } from './face-changes';
import { cutOut } from './face-crop';
import { FaceCropper } from './face-cropper';
import { LiveGateway, LiveFacesPayload, toLiveFacesPayload } from './live.gateway';
import { Presence, StatsSample, StatsWindow } from './presence';

/** How long after its last detection a face can still be enrolled from the live view. */
const ENROLLABLE_FOR_MS = 5000;
/** A named track not seen for this long has left (bridges a missed detection or two). */
const FACE_LEFT_AFTER_MS = 2000;

interface LastView {
  camera: string;
  image: BgrImage;
  box: Box;
  at: number;
  /** While the view reads the frame itself (see FrameObservation.hold); none once it is cut out. */
  frame?: {
    /** Takes another hold on the frame's pixels. */
    hold: () => () => void;
    /** Lets go of this view's own hold. */
    letGo: () => void;
  };
}

/**
 * The live side of the console: who is in view (pushed on every recognition), the last
 * minute of pipeline figures (pushed every second), and enrolling a face picked on screen.
 */
@Injectable()
export class LiveFacesService implements OnModuleInit, OnModuleDestroy {
  private readonly presence = new Presence();
  /** Named, renamed and left faces, announced on the event bus as 'face.changed'. */
  private readonly faceChanges = new FaceChangeBook(FACE_LEFT_AFTER_MS);
  /** The last minute of figures, per camera. */
  private readonly stats = new Map<string, StatsWindow>();
  /** The newest frame each tracked face was detected on, to enroll it from (frames are shared, not copied). */
  private readonly lastViews = new Map<number, LastView>();
  /** The newest faces payload of each camera. */
  private readonly current = new Map<string, LiveFacesPayload>();
  private subscriptions: Subscription[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly cameras: CameraRegistry,
    private readonly events: EventBus,
    private readonly gateway: LiveGateway,
    private readonly cropper: FaceCropper,
    private readonly people: PeopleService,
  ) {}

  onModuleInit(): void {
    this.gateway.provideHistory(() => [...this.stats].map(([camera, window]) => ({ camera, samples: window.history() })));
    this.subscriptions.push(
      this.events.on('frame.observed').subscribe((observation) => {
        const at = observation.recognizedAt;
        this.windowOf(observation.camera).addRecognition(observation.recognizedAt - observation.capturedAt, observation.faces.length);
        // Track ids are unique across cameras, so one presence book serves them all.
        const faces = this.presence.observe(at, observation.faces);
        // Each track's newest view keeps its frame's pixels, so it can be enrolled for a while.
        const camera = observation.camera;
        for (const face of observation.faces) {
          this.keepView(face.trackId, { camera, image: observation.image, box: face.box, at, frame: { hold: observation.hold, letGo: observation.hold() } });
        }
        const inView = new Set(observation.faces.map((face) => face.trackId));
        for (const [trackId, view] of this.lastViews) {
          if (at - view.at > ENROLLABLE_FOR_MS) this.forgetView(trackId, view);
          // A face that left keeps only its own part of the frame: a whole frame held per face
          // gone was ~4 frames (11 MB) per camera at any time.
          else if (view.camera === camera && view.frame && !inView.has(trackId)) this.keepView(trackId, { ...view, ...cutOut(view.image, view.box), frame: undefined });
        }
        const payload = toLiveFacesPayload(observation.camera, at, observation.image.width, observation.image.height, faces);
        this.current.set(observation.camera, payload);
        this.gateway.faces(payload);
        for (const change of this.faceChanges.observe(observation.camera, at, observation.faces)) this.events.emit('face.changed', change);
      }),
      this.events.on('camera.changed').subscribe(({ camera, change }) => {
        if (change !== 'removed') return;
        this.current.delete(camera);
        this.stats.delete(camera);
      }),
    );
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  private keepView(trackId: number, view: LastView): void {
    this.lastViews.get(trackId)?.frame?.letGo();
    this.lastViews.set(trackId, view);
  }

  private forgetView(trackId: number, view: LastView): void {
    view.frame?.letGo();
    this.lastViews.delete(trackId);
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const [trackId, view] of this.lastViews) this.forgetView(trackId, view);
    clearInterval(this.timer);
  }

  /** The faces of a camera's newest recognised frame (default: the first camera). */
  faces(camera?: string): LiveFacesPayload {
    const name = camera ?? this.cameras.first()?.name ?? '';
    if (camera !== undefined) this.cameras.get(camera); // 404 for an unknown camera
    return this.current.get(name) ?? { camera: name, at: new Date(0).toISOString(), frameWidth: 0, frameHeight: 0, faces: [] };
  }

  /** A camera's last minute of figures (default: the first camera). */
  statsHistory(camera?: string): StatsSample[] {
    if (camera !== undefined) this.cameras.get(camera); // 404 for an unknown camera
    const name = camera ?? this.cameras.first()?.name ?? '';
    return this.stats.get(name)?.history() ?? [];
  }

  private windowOf(camera: string): StatsWindow {
    let window = this.stats.get(camera);
    if (!window) this.stats.set(camera, (window = new StatsWindow(60)));
    return window;
  }

  /** Enrolls the face of a live track under a new name (through PeopleService, like an uploaded photo). */
  async enroll(trackId: number, name: string): Promise<Person> {
    const view = this.lastViews.get(trackId);
    if (!view || Date.now() - view.at > ENROLLABLE_FOR_MS) throw new NotFoundException(`face ${trackId} is not in view any more`);
    // The view may be replaced while the crop is made: hold the pixels for it.
    const letGo = view.frame?.hold() ?? (() => undefined);
    const { photo } = await this.cropper.crop(view.image, view.box).finally(letGo);
    return (await this.people.create(name, photo)).person;
  }

  /** One sample a second per camera; fps counts frames through its pipeline (drawn or not: drawing follows the viewers). */
  private tick(): void {
    const at = Date.now();
    // Faces of a camera that stopped delivering frames leave too.
    for (const change of this.faceChanges.expire(at)) this.events.emit('face.changed', change);
    for (const pipeline of this.cameras.pipelines()) {
      const sample = this.windowOf(pipeline.name).tick(at, pipeline.stats.framesIn);
      this.gateway.broadcast('stats', { camera: pipeline.name, samples: [sample] });
    }
  }
}
