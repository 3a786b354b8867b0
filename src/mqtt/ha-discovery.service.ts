import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { CameraRegistry } from '../cameras/camera-registry.service';
import type { MqttSettings } from '../config/mqtt-config';
import { EventBus } from '../events/event-bus';
import { PeopleService } from '../people/people.service';
import {
  cameraDiscovery,
  cameraRemoval,
  DiscoveryContext,
  DiscoveryMessage,
  expectedConfigTopics,
  ownConfigsFilter,
  personDiscovery,
  personRemoval,
} from './ha-discovery';
import { MqttPort } from './mqtt.port';
import { MQTT_SETTINGS, serverVersion } from './mqtt.tokens';
import { mqttTopics, nodeIdOf } from './topics';

/**
 * Home Assistant MQTT discovery: every enrolled person (from start, not after a first match)
 * and every camera, retained; again on enrollment, rename and new cameras; removed with an
 * empty retained config; all of it again on every (re)connect and when Home Assistant
 * announces `online` on `<discovery prefix>/status` (it forgets entities when it restarts).
 * Retained configs of this server for people or cameras that no longer exist (deleted while the
 * broker was away and the queue overflowed, or a database replaced) are emptied when seen.
 */
@Injectable()
export class HaDiscoveryService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HomeAssistant');
  private readonly context?: DiscoveryContext;
  /** Every enrolled person's current name (loaded at start, then kept by 'person.changed'). */
  private readonly people = new Map<number, string>();
  private subscriptions: Array<{ unsubscribe(): void }> = [];

  constructor(
    @Inject(MQTT_SETTINGS) settings: MqttSettings | null,
    @Optional() @Inject(MqttPort) private readonly mqtt: MqttPort | null,
    private readonly events: EventBus,
    private readonly library: PeopleService,
    private readonly cameras: CameraRegistry,
  ) {
    if (settings?.HA_DISCOVERY) {
      this.context = {
        discoveryPrefix: settings.HA_DISCOVERY_PREFIX,
        nodeId: nodeIdOf(settings.MQTT_TOPIC_PREFIX),
        topics: mqttTopics(settings.MQTT_TOPIC_PREFIX),
        swVersion: serverVersion(),
      };
    }
  }

  private get enabled(): boolean {
    return this.context !== undefined && this.mqtt !== null;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const context = this.context!;
    this.subscriptions.push(
      this.events.subscribe('person.changed', ({ personId, name, change }) => {
        if (change === 'removed') this.people.delete(personId);
        else this.people.set(personId, name);
        this.send(change === 'removed' ? [personRemoval(context, personId)] : [personDiscovery(context, { id: personId, name })]);
      }),
      this.events.subscribe('camera.changed', ({ camera, change }) => {
        if (change === 'added') this.send(cameraDiscovery(context, camera));
        else if (change === 'removed') this.send(cameraRemoval(context, camera));
      }),
      this.mqtt!.messages(`${context.discoveryPrefix}/status`).subscribe(({ payload }) => {
        if (payload.toString().trim() !== 'online') return;
        this.logger.log('Home Assistant is online: publishing discovery again');
        this.publishAll();
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    for (const person of await this.library.findAll()) this.people.set(person.id, person.name);
    this.subscriptions.push(
      this.mqtt!.state$.subscribe((state) => state === 'connected' && this.publishAll()),
      // Subscribed once the people are known, so nothing current is mistaken for stale.
      // Only what the broker had stored counts (on every (re)subscribe); live messages are this server's own.
      this.mqtt!.messages(ownConfigsFilter(this.context!)).subscribe(({ topic, payload, retained }) => retained && this.removeIfStale(topic, payload)),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Every person's and camera's entities. */
  publishAll(): void {
    const context = this.context!;
    const cameras = this.cameraNames();
    this.send([...this.people].map(([id, name]) => personDiscovery(context, { id, name })));
    this.send(cameras.flatMap((camera) => cameraDiscovery(context, camera)));
    this.logger.log(`discovery published: ${this.people.size} person(s), ${cameras.length} camera(s)`);
  }

  private removeIfStale(topic: string, payload: Buffer): void {
    if (payload.length === 0) return;
    if (expectedConfigTopics(this.context!, this.people.keys(), this.cameraNames()).has(topic)) return;
    this.logger.log(`removing a stale Home Assistant entity: ${topic}`);
    this.mqtt!.publish(topic, '', { qos: 1, retain: true });
  }

  private cameraNames(): string[] {
    return this.cameras.list().map(({ definition }) => definition.name);
  }

  private send(messages: DiscoveryMessage[]): void {
    for (const { topic, config } of messages) this.mqtt!.publish(topic, config === null ? '' : JSON.stringify(config), { qos: 1, retain: true });
  }
}
