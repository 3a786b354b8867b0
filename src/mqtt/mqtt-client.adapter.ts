import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { BehaviorSubject, filter, Observable, Subject } from 'rxjs';
import { backoffDelay } from '../camera/backoff';
import { redactUrl } from '../config/mqtt-config';
import type { MqttConnectionState, MqttCounters, MqttMessage, MqttPublishOptions } from './mqtt.port';
import { MqttPort } from './mqtt.port';
import { OutgoingMessage, Outbox } from './outbox';
import { topicMatches } from './topics';

export interface MqttClientOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  /** Where `online` is published on every connect, and `offline` as the last will and on shutdown. */
  availabilityTopic: string;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  queueMax: number;
  /** Messages handed to mqtt.js and not yet written (QoS 0) or acknowledged (QoS 1); more wait in the outbox. */
  maxInFlight?: number;
}

/** How long shutdown waits for `offline` to be acknowledged and the connection to close. */
const CLOSE_TIMEOUT_MS = 1500;

/**
 * MqttPort on mqtt.js. mqtt.js's own reconnect runs at a fixed period and its offline queue is
 * unbounded, so both are replaced: reconnects follow a capped exponential backoff, and messages
 * wait in a bounded Outbox (oldest dropped) while the broker is away or slow. A broker that
 * cannot be reached is logged once per outage, not once per attempt.
 */
export class MqttClientAdapter extends MqttPort implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Mqtt');
  private readonly stateSubject = new BehaviorSubject<MqttConnectionState>('connecting');
  readonly state$ = this.stateSubject.asObservable();
  private readonly incoming = new Subject<MqttMessage>();
  private readonly subscribed = new Set<string>();
  private readonly outbox: Outbox;
  private readonly maxInFlight: number;
  private client?: MqttClient;
  /** Bumped on every connect and close: callbacks of an older connection are ignored. */
  private generation = 0;
  private inFlight = 0;
  private attempts = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private everConnected = false;
  private outageLogged = false;
  private closing = false;
  private reconnects = 0;
  private published = 0;
  private lastError?: string;

  constructor(private readonly options: MqttClientOptions) {
    super();
    this.outbox = new Outbox(options.queueMax);
    this.maxInFlight = options.maxInFlight ?? 100;
  }

  get state(): MqttConnectionState {
    return this.stateSubject.value;
  }

  onModuleInit(): void {
    this.start();
  }

  start(): void {
    if (this.client) return;
    const { tls } = this.options;
    const clientOptions: IClientOptions = {
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      // Reconnects are scheduled here (capped backoff); queueing is the Outbox's.
      reconnectPeriod: 0,
      queueQoSZero: false,
      will: { topic: this.options.availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    this.logger.log(`connecting to ${redactUrl(this.options.url)} as ${this.options.clientId}`);
    const client = connect(this.options.url, clientOptions);
    this.client = client;
    client.on('connect', () => this.connected(client));
    client.on('close', () => this.closed());
    client.on('error', (err) => this.failed(err));
    client.on('message', (topic, payload, packet) => this.incoming.next({ topic, payload, retained: packet.retain }));
  }

  publish(topic: string, payload: string | Buffer, options: MqttPublishOptions = {}): void {
    if (this.closing) return;
    const message: OutgoingMessage = { topic, payload, retain: options.retain ?? false, qos: options.qos ?? 0 };
    if (this.state === 'connected' && this.inFlight < this.maxInFlight && this.outbox.length === 0) this.send(message);
    else this.outbox.push(message);
  }

  messages(topicFilter: string): Observable<MqttMessage> {
    if (!this.subscribed.has(topicFilter)) {
      this.subscribed.add(topicFilter);
      if (this.state === 'connected') this.client?.subscribe(topicFilter, { qos: 1 });
    }
    return this.incoming.pipe(filter((message) => topicMatches(topicFilter, message.topic)));
  }

  counters(): MqttCounters {
    return {
      reconnects: this.reconnects,
      published: this.published,
      dropped: this.outbox.dropped,
      queued: this.outbox.length,
      ...(this.state !== 'connected' && this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Clean shutdown: `offline` (retained, since no last will is sent on a clean disconnect), then disconnect. */
  async onApplicationShutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (client && this.state === 'connected') {
      await withTimeout(
        new Promise<void>((resolve) => client.publish(this.options.availabilityTopic, 'offline', { qos: 1, retain: true }, () => resolve())),
        CLOSE_TIMEOUT_MS,
      );
    }
    if (client) await withTimeout(client.endAsync(this.state !== 'connected').catch(() => undefined), CLOSE_TIMEOUT_MS);
    client?.end(true);
    this.setState('closed');
    this.stateSubject.complete();
    this.incoming.complete();
  }

  private connected(client: MqttClient): void {
    this.generation++;
    this.inFlight = 0;
    this.attempts = 0;
    if (this.everConnected) this.reconnects++;
    this.logger.log(this.everConnected ? 'reconnected to the broker' : 'connected to the broker');
    this.everConnected = true;
    this.outageLogged = false;
    this.lastError = undefined;
    if (this.subscribed.size > 0) client.subscribe([...this.subscribed], { qos: 1 });
    // Availability first, then what waited, then the state subscribers republish on 'connected'.
    this.send({ topic: this.options.availabilityTopic, payload: 'online', retain: true, qos: 1 }, true);
    this.setState('connected');
    this.drain();
  }

  private closed(): void {
    if (this.closing) return;
    this.generation++;
    this.inFlight = 0;
    this.logOutage(this.lastError ?? 'connection closed');
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.scheduleReconnect();
  }

  private failed(err: Error): void {
    this.lastError = err.message;
    this.logOutage(err.message);
  }

  /** Once per outage (an error and a close come for every failed attempt). */
  private logOutage(reason: string): void {
    if (this.closing || this.outageLogged) return;
    this.outageLogged = true;
    const retry = `retrying with backoff up to ${this.options.reconnectMaxMs} ms; messages wait in a bounded queue (logged once per outage)`;
    if (this.everConnected) this.logger.warn(`lost the broker (${reason}): ${retry}`);
    else this.logger.warn(`broker ${redactUrl(this.options.url)} unreachable (${reason}): the server runs on without MQTT, ${retry}`);
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closing) return;
    this.attempts++;
    const delay = backoffDelay(this.attempts, this.options.reconnectInitialMs, this.options.reconnectMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing) this.client?.reconnect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private send(message: OutgoingMessage, force = false): void {
    const client = this.client;
    if (!client || (!force && this.state !== 'connected')) {
      this.outbox.push(message);
      return;
    }
    const generation = this.generation;
    this.inFlight++;
    client.publish(message.topic, message.payload, { qos: message.qos, retain: message.retain }, (err) => {
      if (generation !== this.generation) return;
      this.inFlight--;
      if (!err) this.published++;
      this.drain();
    });
  }

  private drain(): void {
    while (this.state === 'connected' && this.inFlight < this.maxInFlight && this.outbox.length > 0) this.send(this.outbox.shift()!);
  }

  private setState(state: MqttConnectionState): void {
    if (this.stateSubject.value !== state && !this.stateSubject.closed) this.stateSubject.next(state);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
