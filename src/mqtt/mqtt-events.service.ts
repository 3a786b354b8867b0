import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import type { MqttSettings } from '../config/mqtt-config';
import { EventBus } from '../events/event-bus';
import { thumbnailPath, toEventMessage, toHaEvent, toLastRecognised } from './event-messages';
import { MqttPort } from './mqtt.port';
import { MQTT_SETTINGS } from './mqtt.tokens';
import { SnapshotReader } from './snapshot-reader';
import { JoinedChange, ThumbnailJoin } from './thumbnail-join';
import { mqttTopics, MqttTopics } from './topics';

/** How long a `recognised` event waits for its sighting's thumbnail before it goes out without one. */
export const THUMBNAIL_WAIT_MS = 1500;

/**
 * Face changes to MQTT: `<prefix>/events` (every change), the camera's Home Assistant event
 * topic (recognised / unknown), its retained last-recognised person and, with MQTT_SNAPSHOTS,
 * the face's JPEG. Publishing never waits: the port queues.
 */
@Injectable()
export class MqttEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MqttEvents');
  private readonly join = new ThumbnailJoin(THUMBNAIL_WAIT_MS);
  private readonly topics?: MqttTopics;
  private subscriptions: Array<{ unsubscribe(): void }> = [];
  private timer?: NodeJS.Timeout;
  /** Retained topics holding a person's name or face (a camera's last-recognised and snapshot): whose they are. */
  private readonly retainedOf = new Map<string, number | null>();
  /** People erased since start: a snapshot read that was under way when they were does not publish their face. */
  private readonly erased = new Set<number>();

  constructor(
    @Inject(MQTT_SETTINGS) private readonly settings: MqttSettings | null,
    @Optional() @Inject(MqttPort) private readonly mqtt: MqttPort | null,
    private readonly events: EventBus,
    private readonly snapshots: SnapshotReader,
  ) {
    if (settings) this.topics = mqttTopics(settings.MQTT_TOPIC_PREFIX);
  }

  onModuleInit(): void {
    if (!this.settings || !this.mqtt) return;
    this.subscriptions.push(
      this.events.subscribe('face.changed', (change) => {
        const joined = this.join.add(change, Date.now());
        if (joined) this.publish(joined);
      }),
      this.events.subscribe('sighting.changed', (sighting) => this.join.sighting(sighting).forEach((joined) => this.publish(joined))),
      this.events.subscribe('person.changed', ({ personId, change }) => change === 'removed' && this.forget(personId)),
    );
    this.timer = setInterval(() => {
      if (this.join.waiting > 0) this.join.expire(Date.now()).forEach((joined) => this.publish(joined));
    }, 250);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    clearInterval(this.timer);
  }

  /** Erasure: events still held for the person are dropped, and retained topics showing them are emptied. */
  private forget(personId: number): void {
    this.join.forgetPerson(personId);
    this.erased.add(personId);
    for (const [topic, holder] of this.retainedOf) {
      if (holder !== personId) continue;
      this.mqtt!.publish(topic, '', { qos: 1, retain: true });
      this.retainedOf.delete(topic);
    }
  }

  private retain(topic: string, payload: string | Buffer, personId: number | null): void {
    this.mqtt!.publish(topic, payload, { qos: 1, retain: true });
    this.retainedOf.set(topic, personId);
  }

  private publish({ change, sightingId }: JoinedChange): void {
    const mqtt = this.mqtt!;
    const topics = this.topics!;
    const path = thumbnailPath(change, sightingId);
    const message = toEventMessage(change, path === null ? null : (this.settings!.MQTT_PUBLIC_URL ?? '') + path);
    const camera = topics.camera(change.camera);
    mqtt.publish(topics.events, JSON.stringify(message), { qos: 1 });
    const haEvent = toHaEvent(message);
    if (haEvent) mqtt.publish(camera.events, JSON.stringify(haEvent), { qos: 1 });
    const erased = change.personId !== null && this.erased.has(change.personId);
    if (change.personId !== null && !erased && (change.type === 'recognised' || change.type === 'renamed')) {
      this.retain(camera.lastRecognised, JSON.stringify(toLastRecognised(message)), change.personId);
    }
    if (this.settings!.MQTT_SNAPSHOTS && change.type !== 'left') {
      this.snapshots
        .read(change, sightingId)
        .then((jpeg) => jpeg && !(change.personId !== null && this.erased.has(change.personId)) && this.retain(camera.snapshot, jpeg, change.personId))
        .catch((err) => this.logger.warn(`no snapshot for a ${change.type} event on ${change.camera}: ${err instanceof Error ? err.message : err}`));
    }
  }
}
