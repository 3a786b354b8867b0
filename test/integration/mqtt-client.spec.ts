import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { MqttClientAdapter, MqttClientOptions } from '../../src/mqtt/mqtt-client.adapter';
import { RecordingSubscriber, startBroker } from '../support/mosquitto';
import { freePort } from '../support/server-process';

jest.setTimeout(60_000);

const AVAILABLE = 'test/available';

function adapter(url: string, over: Partial<MqttClientOptions> = {}): MqttClientAdapter {
  return new MqttClientAdapter({
    url,
    clientId: `adapter-${Math.random().toString(16).slice(2)}`,
    tls: { rejectUnauthorized: true },
    availabilityTopic: AVAILABLE,
    reconnectInitialMs: 50,
    reconnectMaxMs: 300,
    queueMax: 100,
    ...over,
  });
}

const connected = (client: MqttClientAdapter) => firstValueFrom(client.state$.pipe(filter((s) => s === 'connected')));

describe('MqttClientAdapter on a real mosquitto', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    jest.restoreAllMocks();
  });

  it('publishes retained online on connect, offline on a clean shutdown, and honours retain and QoS', async () => {
    const broker = await startBroker();
    cleanup.push(() => broker.dispose());
    const client = adapter(broker.url);
    client.start();
    await connected(client);
    client.publish('test/state', 'kept', { retain: true, qos: 1 });
    client.publish('test/event', 'once', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    // A subscriber arriving later gets the retained messages only.
    const late = await RecordingSubscriber.connect(broker.url, ['test/#']);
    cleanup.push(() => late.close());
    await late.waitFor('retained state', () => late.last('test/state') === 'kept' && late.last(AVAILABLE) === 'online');
    expect(late.texts('test/event')).toEqual([]);
    expect(client.counters()).toMatchObject({ published: 3, dropped: 0, queued: 0, reconnects: 0 });
    await client.onApplicationShutdown();
    await late.waitFor('offline', () => late.last(AVAILABLE) === 'offline');
    expect(client.state).toBe('closed');
  });

  it('starts without a broker, logs that once, queues (bounded, oldest dropped), and delivers once the broker appears', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const port = await freePort();
    const client = adapter(`mqtt://127.0.0.1:${port}`, { queueMax: 3 });
    cleanup.push(() => client.onApplicationShutdown());
    client.start();
    for (let i = 0; i < 5; i++) client.publish('test/queued', String(i), { qos: 1 });
    await new Promise((r) => setTimeout(r, 1000)); // several attempts at the 50 → 300 ms backoff
    expect(client.state).toBe('connecting');
    expect(client.counters()).toMatchObject({ queued: 3, dropped: 2, lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(warn.mock.calls.filter(([message]) => String(message).includes('unreachable'))).toHaveLength(1);

    const broker = await startBroker(port);
    cleanup.push(() => broker.dispose());
    const subscriber = await RecordingSubscriber.connect(broker.url, ['test/#']);
    cleanup.push(() => subscriber.close());
    await connected(client);
    await subscriber.waitFor('the queued messages', () => subscriber.texts('test/queued').length === 3);
    expect(subscriber.texts('test/queued')).toEqual(['2', '3', '4']);
    expect(client.counters()).toMatchObject({ queued: 0, dropped: 2, reconnects: 0 });
  });

  it('reconnects after a broker restart: availability again, queued messages delivered, subscriptions kept', async () => {
    const broker = await startBroker();
    cleanup.push(() => broker.dispose());
    const client = adapter(broker.url);
    cleanup.push(() => client.onApplicationShutdown());
    const commands = client.messages('test/command').pipe(take(2), toArray());
    const received = firstValueFrom(commands);
    client.start();
    await connected(client);
    const sender = await RecordingSubscriber.connect(broker.url, ['test/none']);
    await sender.client.publishAsync('test/command', 'before', { qos: 1 });
    await sender.close();

    await broker.stop();
    await firstValueFrom(client.state$.pipe(filter((s) => s === 'reconnecting')));
    client.publish('test/while-away', 'waited', { retain: true, qos: 1 });
    expect(client.counters().queued).toBe(1);
    await broker.restart();
    await connected(client);
    expect(client.counters()).toMatchObject({ reconnects: 1, queued: 0 });

    // The restarted broker kept nothing (no persistence): what it holds now was published again.
    const subscriber = await RecordingSubscriber.connect(broker.url, ['test/#']);
    cleanup.push(() => subscriber.close());
    await subscriber.waitFor('availability and the queued state', () => subscriber.last(AVAILABLE) === 'online' && subscriber.last('test/while-away') === 'waited');
    await subscriber.client.publishAsync('test/command', 'after', { qos: 1 });
    expect((await received).map((m) => m.payload.toString())).toEqual(['before', 'after']);
  });

  it('has the broker send the last will (offline) when the connection dies, then comes back online', async () => {
    const broker = await startBroker();
    cleanup.push(() => broker.dispose());
    const subscriber = await RecordingSubscriber.connect(broker.url, [AVAILABLE]);
    cleanup.push(() => subscriber.close());
    const client = adapter(broker.url);
    cleanup.push(() => client.onApplicationShutdown());
    client.start();
    await connected(client);
    await subscriber.waitFor('online', () => subscriber.last(AVAILABLE) === 'online');
    // The socket dies without a DISCONNECT, as when the process is killed.
    (client as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await subscriber.waitFor('offline then online again', () => subscriber.texts(AVAILABLE).join(',').endsWith('online,offline,online') || undefined);
    expect(client.counters().reconnects).toBe(1);
  });

  it('connects over mqtts with the CA it is given, and refuses an unverified broker unless told not to', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const broker = await startBroker({ tls: true });
    cleanup.push(() => broker.dispose());
    expect(broker.url).toMatch(/^mqtts:/);
    const trusting = adapter(broker.url, { tls: { ca: readFileSync(broker.certFile), rejectUnauthorized: true } });
    cleanup.push(() => trusting.onApplicationShutdown());
    trusting.start();
    await connected(trusting);

    const strict = adapter(broker.url);
    cleanup.push(() => strict.onApplicationShutdown());
    strict.start();
    await new Promise((r) => setTimeout(r, 800));
    expect(strict.state).toBe('connecting');
    expect(strict.counters().lastError).toMatch(/self[- ]signed/i);

    const lax = adapter(broker.url, { tls: { rejectUnauthorized: false } });
    cleanup.push(() => lax.onApplicationShutdown());
    lax.start();
    await connected(lax);
  });

  it('never lets a slow broker slow the caller: publish returns at once, in-flight and queue stay bounded, drops are counted', async () => {
    const stalled = await stalledBroker();
    cleanup.push(() => stalled.close());
    const client = adapter(`mqtt://127.0.0.1:${stalled.port}`, { queueMax: 50, maxInFlight: 20 });
    cleanup.push(() => client.onApplicationShutdown());
    client.start();
    await connected(client);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) client.publish('test/flood', `message ${i}`, { qos: 1 });
    const ms = performance.now() - started;
    console.log(`10000 publishes to a broker that never acknowledges: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(500);
    // 1 availability + 19 messages in flight (never acknowledged), 50 waiting, the rest dropped.
    expect(client.counters()).toMatchObject({ queued: 50, dropped: 10_000 - 19 - 50, published: 0 });
    expect(process.memoryUsage().heapUsed).toBeLessThan(1024 ** 3);
  });
});

/** A "broker" that accepts the connection (CONNACK) and then never reads a packet: every QoS 1 publish stays unacknowledged. */
async function stalledBroker(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00])));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
