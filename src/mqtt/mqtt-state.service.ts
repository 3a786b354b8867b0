import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { CameraRegistry } from '../cameras/camera-registry.service';
import type { MqttSettings } from '../config/mqtt-config';
import { EventBus } from '../events/event-bus';
import { PeopleService } from '../people/people.service';
import { MqttPort } from './mqtt.port';
import { MQTT_SETTINGS } from './mqtt.tokens';
import { CameraView, cameraViewOf, PersonPresence, PresenceBook, toPresenceMessage } from './presence-book';
import { mqttTopics, MqttTopics } from './topics';

const RETAINED = { qos: 1, retain: true } as const;
/** While someone stays in view, their retained `lastSeen` is refreshed at most this often. */
const PRESENCE_REFRESH_MS = 30_000;
/** A person seen by two cameras is reported on the one that saw them first until it has not for this long. */
const PRESENCE_STICK_MS = 3000;

/**
 * The retained state topics: per camera who is in view, how many faces and the capture state;
 * per enrolled person whether they are present, where, and when last seen. Published when it
 * changes (never per frame), and all of it again whenever the broker connection comes back.
 */
@Injectable()
export class MqttStateService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MqttState');
  private readonly topics?: MqttTopics;
  private readonly presence: PresenceBook;
  /** Every enrolled person's current name. */
  private readonly names = new Map<number, string>();
  /** The newest view of each camera, and the JSON last published for it (to publish changes only). */
  private readonly views = new Map<string, { view: CameraView; published: string }>();
  private subscriptions: Array<{ unsubscribe(): void }> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(MQTT_SETTINGS) private readonly settings: MqttSettings | null,
    @Optional() @Inject(MqttPort) private readonly mqtt: MqttPort | null,
    private readonly events: EventBus,
    private readonly people: PeopleService,
    private readonly cameras: CameraRegistry,
  ) {
    this.presence = new PresenceBook({ timeoutMs: settings?.MQTT_PRESENCE_TIMEOUT_MS ?? 60_000, refreshMs: PRESENCE_REFRESH_MS, stickMs: PRESENCE_STICK_MS });
    if (settings) this.topics = mqttTopics(settings.MQTT_TOPIC_PREFIX);
  }

  onModuleInit(): void {
    if (!this.settings || !this.mqtt) return;
    this.subscriptions.push(
      this.events.subscribe('frame.recognized', ({ camera, recognizedAt, faces }) => {
        this.setView(camera, cameraViewOf(faces));
        for (const change of this.presence.observe(camera, recognizedAt, faces.flatMap((face) => (face.personId === null ? [] : [face.personId])))) {
          this.publishPresence(change);
        }
      }),
      this.events.subscribe('camera.state', ({ camera, state }) => this.mqtt!.publish(this.topics!.camera(camera).state, state, RETAINED)),
      this.events.subscribe('camera.changed', ({ camera, change }) => {
        if (change === 'removed') this.clearCamera(camera);
        else this.publishCamera(camera);
      }),
      this.events.subscribe('person.changed', ({ personId, name, change }) => {
        if (change === 'removed') {
          this.names.delete(personId);
          this.presence.forget(personId);
          this.mqtt!.publish(this.topics!.person(personId), '', RETAINED);
          this.dropFromViews(personId);
          return;
        }
        this.names.set(personId, name);
        this.publishPresence(this.presence.of(personId));
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings || !this.mqtt) return;
    for (const person of await this.people.findAll()) this.names.set(person.id, person.name);
    // The current state replays at once: connected already means publish now.
    this.subscriptions.push(this.mqtt.state$.subscribe((state) => state === 'connected' && this.publishAll()));
    this.timer = setInterval(() => this.presence.expire(Date.now()).forEach((gone) => this.publishPresence(gone)), 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    clearInterval(this.timer);
  }

  /** Everything retained, again (after a reconnect the broker may have lost it, e.g. restarted without persistence). */
  publishAll(): void {
    for (const { definition } of this.cameras.list()) this.publishCamera(definition.name);
    for (const personId of this.names.keys()) this.publishPresence(this.presence.of(personId));
    this.logger.log(`published the state of ${this.cameras.list().length} camera(s) and ${this.names.size} person(s)`);
  }

  private setView(camera: string, view: CameraView): void {
    // A frame still in flight when its camera was removed must not bring its retained topics back.
    if (!this.cameras.list().some(({ definition }) => definition.name === camera)) return;
    const json = JSON.stringify(view);
    const entry = this.views.get(camera);
    if (entry?.published === json) return;
    this.views.set(camera, { view, published: json });
    this.publishView(camera, view);
  }

  /** A deleted person's name leaves every camera's retained "who is in view" at once, not at the next frame. */
  private dropFromViews(personId: number): void {
    for (const [camera, { view }] of this.views) {
      if (!view.people.some((person) => person.personId === personId)) continue;
      this.setView(camera, { ...view, people: view.people.filter((person) => person.personId !== personId) });
    }
  }

  private publishView(camera: string, view: CameraView): void {
    const topics = this.topics!.camera(camera);
    this.mqtt!.publish(topics.people, JSON.stringify(view.people), RETAINED);
    this.mqtt!.publish(topics.count, String(view.count), RETAINED);
  }

  private publishCamera(camera: string): void {
    const entry = this.cameras.list().find(({ definition }) => definition.name === camera);
    if (!entry) return;
    const state = entry.pipeline ? entry.pipeline.captureStatus().state : 'disabled';
    this.mqtt!.publish(this.topics!.camera(camera).state, state, RETAINED);
    this.publishView(camera, this.views.get(camera)?.view ?? { people: [], count: 0 });
  }

  /** An empty retained message deletes each of the camera's retained topics. */
  private clearCamera(camera: string): void {
    this.views.delete(camera);
    const topics = this.topics!.camera(camera);
    for (const topic of [topics.people, topics.count, topics.state, topics.lastRecognised, topics.snapshot]) this.mqtt!.publish(topic, '', RETAINED);
  }

  private publishPresence(presence: PersonPresence): void {
    const name = this.names.get(presence.personId);
    if (name === undefined) return; // deleted meanwhile
    this.mqtt!.publish(this.topics!.person(presence.personId), JSON.stringify(toPresenceMessage(presence, name)), RETAINED);
  }
}
