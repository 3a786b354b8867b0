import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { CamerasModule } from '../cameras/cameras.module';
import { mqttSettingsFrom, MqttSettings } from '../config/mqtt-config';
import { MetricsModule } from '../metrics/metrics.module';
import { PeopleModule } from '../people/people.module';
import { SightingsRepository } from '../sightings/sightings.repository';
import { UnknownFacesRepository } from '../unknown-faces/unknown-faces.repository';
import { HaDiscoveryService } from './ha-discovery.service';
import { MqttClientAdapter } from './mqtt-client.adapter';
import { MqttEventsService } from './mqtt-events.service';
import { MqttMetrics } from './mqtt-metrics';
import { MqttStateService } from './mqtt-state.service';
import { MqttPort } from './mqtt.port';
import { MQTT_SETTINGS } from './mqtt.tokens';
import { SnapshotReader } from './snapshot-reader';
import { mqttTopics } from './topics';

/**
 * MQTT and Home Assistant discovery, on when MQTT_URL is set. Its settings are validated here,
 * at start (a bad one stops the server with a message naming it); when MQTT is off, MqttPort
 * is null and every service here stays idle.
 */
@Module({
  imports: [CamerasModule, PeopleModule, MetricsModule],
  providers: [
    { provide: MQTT_SETTINGS, useFactory: () => mqttSettingsFrom(process.env) },
    {
      provide: MqttPort,
      inject: [MQTT_SETTINGS],
      useFactory: (settings: MqttSettings | null) =>
        settings
          ? new MqttClientAdapter({
              url: settings.MQTT_URL,
              clientId: settings.MQTT_CLIENT_ID ?? `face-stream-${randomBytes(4).toString('hex')}`,
              username: settings.MQTT_USERNAME,
              password: settings.MQTT_PASSWORD,
              tls: { ...settings.tls, rejectUnauthorized: settings.MQTT_REJECT_UNAUTHORIZED },
              availabilityTopic: mqttTopics(settings.MQTT_TOPIC_PREFIX).available,
              reconnectInitialMs: settings.MQTT_RECONNECT_INITIAL_MS,
              reconnectMaxMs: settings.MQTT_RECONNECT_MAX_MS,
              queueMax: settings.MQTT_QUEUE_MAX,
            })
          : null,
    },
    // Read-only here, for snapshots: the same stateless repositories the recorders write with.
    SightingsRepository,
    UnknownFacesRepository,
    SnapshotReader,
    MqttEventsService,
    MqttStateService,
    HaDiscoveryService,
    MqttMetrics,
  ],
  exports: [MqttPort],
})
export class MqttModule {}
