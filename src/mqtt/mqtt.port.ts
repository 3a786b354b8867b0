import type { Observable } from 'rxjs';

/** `connecting`: never connected yet; `reconnecting`: lost, retrying with backoff; `closed`: shut down. */
export type MqttConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface MqttPublishOptions {
  /** The broker keeps the last message of the topic for new subscribers (state, discovery). */
  retain?: boolean;
  qos?: 0 | 1;
}

export interface MqttMessage {
  topic: string;
  payload: Buffer;
  /** Delivered from the broker's store on subscribing, not published just now. */
  retained?: boolean;
}

/** What the client has done since start (for /metrics and /health). */
export interface MqttCounters {
  /** Connections after the first one. */
  reconnects: number;
  /** Messages handed to the broker. */
  published: number;
  /** Messages dropped because the queue was full (oldest first). */
  dropped: number;
  /** Messages waiting for the broker now. */
  queued: number;
  /** The last connection error, while not connected. */
  lastError?: string;
}

/**
 * The broker, as the rest of the app sees it: publish never blocks or throws (messages wait in
 * a bounded queue while the broker is away), subscriptions survive reconnects, and the
 * connection state is an observable that replays the current state.
 */
export abstract class MqttPort {
  abstract readonly state$: Observable<MqttConnectionState>;
  abstract readonly state: MqttConnectionState;
  abstract publish(topic: string, payload: string | Buffer, options?: MqttPublishOptions): void;
  /** Messages matching a subscription filter (MQTT wildcards allowed), from now on; retained ones are flagged. */
  abstract messages(filter: string): Observable<MqttMessage>;
  abstract counters(): MqttCounters;
}
