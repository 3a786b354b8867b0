import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { CrossNodeGate } from '../../src/cluster-events/cross-node-gate';
import { PgSocketCluster } from '../../src/cluster-events/pg-socket-cluster';
import { startPostgres, type RunningPostgres } from '../support/postgres';

jest.setTimeout(90_000);

const FRAMES_PER_S_ACROSS = 2;

interface Node {
  cluster: PgSocketCluster;
  io: Server;
  http: HttpServer;
  client: Socket;
  /** What this node's client received, by event name. */
  got: Map<string, unknown[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - start;
}

/** Two Socket.IO servers joined by the cluster adapter on one real PostgreSQL, a client on each. */
describe('PgSocketCluster (@socket.io/postgres-adapter on a real PostgreSQL)', () => {
  let postgres: RunningPostgres;
  let url: string;
  const nodes: Node[] = [];
  let a: Node;
  let b: Node;
  let probes = 0;

  async function node(name: string): Promise<Node> {
    const gate = new CrossNodeGate({ frameEvents: new Set(['faces']), perSecond: FRAMES_PER_S_ACROSS });
    const cluster = new PgSocketCluster({ databaseUrl: url, nodeName: name, forwards: (event, payload) => gate.forwards(event, payload, Date.now()) });
    const http = createServer();
    const server = new Server(http, { adapter: cluster.adapter });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
    const got = new Map<string, unknown[]>();
    client.onAny((event: string, payload: unknown) => got.set(event, [...(got.get(event) ?? []), payload]));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const created = { cluster, io: server, http, client, got };
    nodes.push(created);
    return created;
  }

  /** Sends probes from `from` until `to`'s client hears one: the other node is listening (again). */
  async function connected(from: Node, to: Node): Promise<number> {
    const start = Date.now();
    const probe = () => to.got.get('probe')?.length ?? 0;
    const before = probe();
    while (probe() === before) {
      if (Date.now() - start > 30_000) throw new Error('the nodes did not hear each other');
      from.io.emit('probe', ++probes);
      await sleep(100);
    }
    return Date.now() - start;
  }

  const received = (node: Node, event: string) => node.got.get(event) ?? [];

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    a = await node('a');
    b = await node('b');
    await connected(a, b);
    await connected(b, a);
  }, 60_000);

  afterAll(async () => {
    for (const { client, io: server, cluster } of nodes) {
      client.disconnect();
      await new Promise((resolve) => server.close(resolve));
      await cluster.onApplicationShutdown();
    }
    postgres?.dispose();
  });

  it("delivers each node's events to the clients of both nodes exactly once, in order, never back to the sender's", async () => {
    for (let id = 1; id <= 20; id++) a.io.emit('sighting', { id });
    b.io.emit('sighting', { id: 21 });
    const all = Array.from({ length: 21 }, (_, i) => ({ id: i + 1 }));
    await until("both clients' 21 sightings", () => received(a, 'sighting').length >= 21 && received(b, 'sighting').length >= 21);
    await sleep(300); // a duplicate would arrive by now
    // The order across nodes is not defined; each node's own events keep theirs.
    expect(received(b, 'sighting').filter((s) => (s as { id: number }).id <= 20)).toEqual(all.slice(0, 20));
    expect([...received(a, 'sighting')].sort((x, y) => (x as { id: number }).id - (y as { id: number }).id)).toEqual(all);
    expect([...received(b, 'sighting')].sort((x, y) => (x as { id: number }).id - (y as { id: number }).id)).toEqual(all);
  });

  it('per-frame events: every one to the own clients, to the other nodes a few a second and every change at once', async () => {
    const face = (trackId: number, name: string) => ({ trackId, name, personId: name === 'Unknown' ? null : trackId });
    const frames = 40;
    const start = Date.now();
    for (let frame = 0; frame < frames; frame++) {
      // The same face throughout, a second one joining at frame 20.
      const faces = frame < 20 ? [face(1, 'Ada')] : [face(1, 'Ada'), face(2, 'Unknown')];
      a.io.emit('faces', { camera: 'door', frame, at: Date.now(), faces });
      await sleep(25);
    }
    const seconds = (Date.now() - start) / 1000;
    await until("A's client's frames", () => received(a, 'faces').length === frames);
    await sleep(300);
    const across = received(b, 'faces') as Array<{ frame: number; at: number }>;
    const sent = received(a, 'faces') as Array<{ frame: number; at: number }>;
    expect(received(a, 'faces')).toHaveLength(frames);
    // The first frame, the change at frame 20 (at once, or within the 100 ms kept between two changes), and at most FRAMES_PER_S_ACROSS a second besides.
    expect(across[0].frame).toBe(0);
    const change = across.find((f) => f.frame >= 20)!;
    expect(change.at - sent[20].at).toBeLessThanOrEqual(100 + 30);
    expect(across.length).toBeLessThanOrEqual(2 + Math.ceil(seconds * FRAMES_PER_S_ACROSS));
    expect(new Set(across.map((f) => f.frame)).size).toBe(across.length);
  });

  it('an event over the 8000-byte NOTIFY limit reaches the own clients; without the attachments table not the others, said once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const before = received(b, 'big').length;
    a.io.emit('big', { text: 'x'.repeat(10_000) });
    a.io.emit('big', { text: 'y'.repeat(10_000) });
    await until("A's client's big events", () => received(a, 'big').length === 2);
    await until('the warning', () => warn.mock.calls.some(([message]) => String(message).includes('socket_io_attachments is missing')), 5_000);
    expect(received(b, 'big')).toHaveLength(before);
    expect(warn.mock.calls.filter(([message]) => String(message).includes('is missing'))).toHaveLength(1);
    warn.mockRestore();
  });

  it('PostgreSQL restarted (twice): no node fails, the own clients are served meanwhile, then events cross again exactly once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const recovery: number[] = [];
    for (let restart = 0; restart < 2; restart++) {
      postgres.stop();
      const before = received(a, 'stats').length;
      // The adapter's publishes fail meanwhile: the own client still gets each event at once.
      for (let i = 0; i < 5; i++) a.io.emit('stats', { restart, i });
      await until("A's own client during the outage", () => received(a, 'stats').length === before + 5, 2_000);
      await sleep(1_000);
      postgres.start();
      recovery.push(await connected(a, b));
      await connected(b, a);
    }
    const marker = `after-restarts-${Date.now()}`;
    for (let i = 0; i < 10; i++) a.io.emit('sighting', { marker, i });
    await until("B's 10 sightings after the restarts", () => received(b, 'sighting').filter((s) => (s as { marker?: string }).marker === marker).length >= 10);
    await sleep(500);
    expect(received(b, 'sighting').filter((s) => (s as { marker?: string }).marker === marker)).toEqual(Array.from({ length: 10 }, (_, i) => ({ marker, i })));
    console.log(`events crossing nodes again ${recovery.join(' and ')} ms after PostgreSQL accepted connections`);
    warn.mockRestore();
  });
});
