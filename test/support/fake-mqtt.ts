import { BehaviorSubject, filter, Subject } from 'rxjs';
import type { MqttConnectionState, MqttCounters, MqttMessage, MqttPublishOptions } from '../../src/mqtt/mqtt.port';
import { MqttPort } from '../../src/mqtt/mqtt.port';
import { topicMatches } from '../../src/mqtt/topics';

/** An MqttPort in memory: records what is published, and lets a test switch the connection and deliver messages. */
export class FakeMqttPort extends MqttPort {
  readonly published: Array<{ topic: string; payload: string | Buffer; retain: boolean; qos: 0 | 1 }> = [];
  readonly subscribed: string[] = [];
  private readonly stateSubject = new BehaviorSubject<MqttConnectionState>('connecting');
  readonly state$ = this.stateSubject.asObservable();
  private readonly incoming = new Subject<MqttMessage>();

  get state(): MqttConnectionState {
    return this.stateSubject.value;
  }

  setState(state: MqttConnectionState): void {
    this.stateSubject.next(state);
  }

  publish(topic: string, payload: string | Buffer, options: MqttPublishOptions = {}): void {
    this.published.push({ topic, payload, retain: options.retain ?? false, qos: options.qos ?? 0 });
  }

  messages(topicFilter: string) {
    this.subscribed.push(topicFilter);
    return this.incoming.pipe(filter((message) => topicMatches(topicFilter, message.topic)));
  }

  deliver(topic: string, payload: string, retained = false): void {
    this.incoming.next({ topic, payload: Buffer.from(payload), retained });
  }

  counters(): MqttCounters {
    return { reconnects: 0, published: this.published.length, dropped: 0, queued: 0 };
  }

  /** The payloads published on a topic, as text. */
  texts(topic: string): string[] {
    return this.published.filter((m) => m.topic === topic).map((m) => m.payload.toString());
  }

  /** The newest payload of a topic, as text. */
  last(topic: string): string | undefined {
    return this.texts(topic).at(-1);
  }

  /** The newest payload of a topic parsed as JSON (undefined if none). */
  json(topic: string): any {
    const last = this.texts(topic).at(-1);
    return last === undefined ? undefined : JSON.parse(last);
  }

  topics(): string[] {
    return [...new Set(this.published.map((m) => m.topic))];
  }

  clear(): void {
    this.published.length = 0;
  }
}
