import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { CameraRegistry } from '../cameras/camera-registry.service';
import type { MqttSettings } from '../config/mqtt-config';
import { EventBus } from '../events/event-bus';
import { PeopleService } from '../people/people.service';
import { cameraDiscovery, cameraRemoval, DiscoveryContext, DiscoveryMessage, personDiscovery, personRemoval } from './ha-discovery';
import { MqttPort } from './mqtt.port';
import { MQTT_SETTINGS, serverVersion } from './mqtt.tokens';
import { mqttTopics, nodeIdOf } from './topics';

/**
 * Home Assistant MQTT discovery: every enrolled person (from start, not after a first match)
 * and every camera, retained; again on enrollment, rename and new cameras; removed with an
 * empty retained config; all of it again on every (re)connect and when Home Assistant
 * announces `online` on `<discovery prefix>/status` (it forgets entities when it restarts).
 */
@Injectable()
export class HaDiscoveryService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HomeAssistant');
  private readonly context?: DiscoveryContext;
  private subscriptions: Array<{ unsubscribe(): void }> = [];

  constructor(
    @Inject(MQTT_SETTINGS) settings: MqttSettings | null,
    @Optional() @Inject(MqttPort) private readonly mqtt: MqttPort | null,
    private readonly events: EventBus,
    private readonly people: PeopleService,
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
      this.events.subscribe('person.changed', ({ personId, name, change }) =>
        this.send(change === 'removed' ? [personRemoval(context, personId)] : [personDiscovery(context, { id: personId, name })]),
      ),
      this.events.subscribe('camera.changed', ({ camera, change }) => {
        if (change === 'added') this.send(cameraDiscovery(context, camera));
        else if (change === 'removed') this.send(cameraRemoval(context, camera));
      }),
      this.mqtt!.messages(`${context.discoveryPrefix}/status`).subscribe(({ payload }) => {
        if (payload.toString().trim() !== 'online') return;
        this.logger.log('Home Assistant is online: publishing discovery again');
        void this.publishAll();
      }),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.subscriptions.push(this.mqtt!.state$.subscribe((state) => state === 'connected' && void this.publishAll()));
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Every person's and camera's entities. */
  async publishAll(): Promise<void> {
    const context = this.context!;
    try {
      const people = await this.people.findAll();
      const cameras = this.cameras.list().map(({ definition }) => definition.name);
      this.send(people.map((person) => personDiscovery(context, person)));
      this.send(cameras.flatMap((camera) => cameraDiscovery(context, camera)));
      this.logger.log(`discovery published: ${people.length} person(s), ${cameras.length} camera(s)`);
    } catch (err) {
      this.logger.warn(`discovery not published: ${err instanceof Error ? err.message : err}`);
    }
  }

  private send(messages: DiscoveryMessage[]): void {
    for (const { topic, config } of messages) this.mqtt!.publish(topic, config === null ? '' : JSON.stringify(config), { qos: 1, retain: true });
  }
}
