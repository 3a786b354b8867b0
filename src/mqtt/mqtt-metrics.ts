import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { MqttPort } from './mqtt.port';

const PREFIX = 'facestream_mqtt_';

/** The MQTT client's figures on the app's Prometheus registry (read when scraped); none when MQTT is off. */
@Injectable()
export class MqttMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    @Optional() @Inject(MqttPort) private readonly mqtt: MqttPort | null,
  ) {}

  onModuleInit(): void {
    const mqtt = this.mqtt;
    if (!mqtt) return;
    const registers = [this.metrics.registry];
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name: PREFIX + name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    new Gauge({
      name: PREFIX + 'connected',
      help: '1 while connected to the MQTT broker',
      registers,
      collect() {
        this.set(mqtt.state === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: PREFIX + 'queued_messages',
      help: 'Messages waiting for the broker (away or slow)',
      registers,
      collect() {
        this.set(mqtt.counters().queued);
      },
    });
    counter('reconnects_total', 'Connections to the broker after the first one', () => mqtt.counters().reconnects);
    counter('messages_published_total', 'Messages handed to the broker', () => mqtt.counters().published);
    counter('messages_dropped_total', 'Messages dropped because the queue for the broker was full (oldest first)', () => mqtt.counters().dropped);
  }
}
