import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { CameraDefinition } from '../../src/cameras/camera-definition.types';
import { CameraLocations } from '../../src/cameras/camera-locations';
import { CameraRegistry } from '../../src/cameras/camera-registry.service';
import { CameraLeaseKeeper, LEASE_SETTINGS, type LeaseSettings, SightingsHandover } from '../../src/cluster/camera-lease-keeper.service';
import { CameraLeasesPort, type CameraRun, type ClusterNode, type ClusterView, type LeaseRow } from '../../src/cluster/camera-leases.port';
import { EventBus } from '../../src/events/event-bus';

const TTL = 10_000;
const RENEW = 3_000;

/** The shared tables in memory, on a clock the spec moves: the adapter's contract (one holder, expiry). */
class MemoryLeases extends CameraLeasesPort {
  now = 1_000_000;
  failing = false;
  readonly beats = new Map<string, ClusterNode & { at: number }>();
  readonly leases = new Map<string, LeaseRow>();
  readonly log: string[] = [];

  private check(): void {
    if (this.failing) throw new Error('connect ECONNREFUSED');
  }
  async heartbeat(node: ClusterNode, aliveWithinMs: number): Promise<ClusterView> {
    this.check();
    this.beats.set(node.name, { ...node, at: this.now });
    const nodes = [...this.beats.values()].filter((beat) => beat.at > this.now - aliveWithinMs).map(({ name, url }) => ({ name, url }));
    return { now: this.now, nodes, leases: [...this.leases.values()].map((lease) => ({ ...lease })) };
  }
  async acquire(camera: string, node: string, ttlMs: number, run: CameraRun): Promise<boolean> {
    this.check();
    const lease = this.leases.get(camera);
    if (lease && lease.node !== node && lease.expiresAt > this.now) return false;
    this.leases.set(camera, { camera, node, expiresAt: this.now + ttlMs, ...run });
    return true;
  }
  async release(camera: string, node: string): Promise<void> {
    this.check();
    if (this.leases.get(camera)?.node === node) this.leases.delete(camera);
    this.log.push(`release ${camera}`);
  }
  async leave(node: string): Promise<void> {
    this.beats.delete(node);
  }
}

/** The registry as the keeper drives it: which pipelines run here. */
class FakeRegistry {
  definitions: CameraDefinition[] = [];
  readonly running = new Set<string>();
  constructor(private readonly log: string[]) {}
  list() {
    return this.definitions.map((definition) => ({
      definition,
      pipeline: this.running.has(definition.name) ? ({ captureStatus: () => ({ state: 'live', fps: 12, width: 320, height: 240 }), stats: { viewers: 1 } } as never) : undefined,
    }));
  }
  async refresh() {}
  async run(name: string) {
    this.log.push(`run ${name}`);
    this.running.add(name);
    return true;
  }
  async halt(name: string) {
    if (this.running.delete(name)) this.log.push(`halt ${name}`);
  }
}

class FakeSightings extends SightingsHandover {
  constructor(private readonly log: string[]) {
    super();
  }
  async continueOpen(camera: string, maxGapMs: number) {
    this.log.push(`continue ${camera} ${maxGapMs}`);
  }
  async handOver(camera: string) {
    this.log.push(`hand over ${camera}`);
  }
}

async function build(name: string, leases: MemoryLeases, cameras: CameraDefinition[]) {
  let clock = 0;
  const registry = new FakeRegistry(leases.log);
  registry.definitions = cameras;
  const settings: LeaseSettings = { node: { name, url: `http://${name}:3000` }, ttlMs: TTL, renewMs: RENEW, clock: () => clock };
  const module = await Test.createTestingModule({
    providers: [
      CameraLeaseKeeper,
      CameraLocations,
      EventBus,
      { provide: CameraLeasesPort, useValue: leases },
      { provide: CameraRegistry, useValue: registry },
      { provide: SightingsHandover, useValue: new FakeSightings(leases.log) },
      { provide: LEASE_SETTINGS, useValue: settings },
    ],
  }).compile();
  return {
    keeper: module.get(CameraLeaseKeeper),
    locations: module.get(CameraLocations),
    registry,
    /** Moves this node's monotonic clock and the database's together. */
    advance(ms: number) {
      clock += ms;
      leases.now += ms;
    },
    /** The safety check the keeper runs twice a second. */
    check: () => (module.get(CameraLeaseKeeper) as unknown as { stopExpiring(): Promise<void> }).stopExpiring(),
  };
}

const cams = (...names: string[]): CameraDefinition[] => names.map((name) => ({ name, source: `/videos/${name}.mp4`, enabled: true }));

describe('CameraLeaseKeeper (fake lease table and registry through DI)', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('a lone node leases and starts every camera; a second node gets the ones the first releases, and lists the first one\'s', async () => {
    const table = new MemoryLeases();
    const a = await build('a', table, cams('c1', 'c2', 'c3', 'c4'));
    await a.keeper.tick();
    expect(a.keeper.heldCameras()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect([...a.registry.running].sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(table.leases.get('c1')).toMatchObject({ node: 'a', expiresAt: table.now + TTL });

    const b = await build('b', table, cams('c1', 'c2', 'c3', 'c4'));
    await b.keeper.tick();
    expect(b.keeper.heldCameras()).toEqual([]);
    table.log.length = 0;
    await a.keeper.tick();
    // Stopped before its sightings are handed over, handed over before the lease is released.
    expect(table.log).toEqual(['halt c3', 'hand over c3', 'release c3', 'halt c4', 'hand over c4', 'release c4']);
    expect(a.keeper.heldCameras()).toEqual(['c1', 'c2']);
    await b.keeper.tick();
    expect(b.keeper.heldCameras()).toEqual(['c3', 'c4']);
    expect(b.locations.of('c1')).toEqual({ node: 'a', url: 'http://a:3000', state: 'live', fps: 12, viewers: 1, width: 320, height: 240 });
    expect(b.locations.of('c3')).toBeUndefined();
  });

  it('renews its leases each beat, so they never run out while the database is reachable', async () => {
    const table = new MemoryLeases();
    const a = await build('a', table, cams('c1'));
    for (let beat = 0; beat < 10; beat++) {
      await a.keeper.tick();
      a.advance(RENEW);
      await a.check();
    }
    expect(a.keeper.heldCameras()).toEqual(['c1']);
    expect(table.leases.get('c1')!.expiresAt).toBeGreaterThan(table.now);
  });

  it('database out of reach: the cameras keep running, then stop before their leases could run out; back, they start again', async () => {
    const table = new MemoryLeases();
    const a = await build('a', table, cams('c1', 'c2'));
    await a.keeper.tick();
    table.failing = true;
    a.advance(RENEW);
    await a.keeper.tick();
    await a.check();
    expect([...a.registry.running].sort()).toEqual(['c1', 'c2']);
    a.advance(TTL - 2 * RENEW + 1); // ttl − renew ms after the last renewal
    table.log.length = 0;
    await a.check();
    expect(a.registry.running.size).toBe(0);
    // Their open sightings are left open for whichever node runs them next (this one, once back).
    expect(table.log).toEqual(['halt c1', 'hand over c1', 'halt c2', 'hand over c2']);
    // The leases were still valid when the cameras stopped: no other node could have run them yet.
    expect(table.leases.get('c1')!.expiresAt).toBeGreaterThan(table.now);
    table.failing = false;
    await a.keeper.tick();
    expect([...a.registry.running].sort()).toEqual(['c1', 'c2']);
  });

  it('a dead node\'s camera is taken once its lease runs out, its open sightings looked at before the pipeline starts', async () => {
    const table = new MemoryLeases();
    table.leases.set('door', { camera: 'door', node: 'dead', expiresAt: table.now + 4_000, state: 'live', fps: 25, viewers: 0, width: 0, height: 0 });
    const a = await build('a', table, cams('door'));
    await a.keeper.tick();
    expect(a.keeper.heldCameras()).toEqual([]);
    a.advance(4_000);
    await a.keeper.tick();
    expect(table.log).toEqual([`continue door ${TTL + 2 * RENEW}`, 'run door']);
    expect(table.leases.get('door')!.node).toBe('a');
  });

  it('a camera whose lease another node holds now (taken over after an outage) is stopped here', async () => {
    const table = new MemoryLeases();
    const a = await build('a', table, cams('door'));
    await a.keeper.tick();
    table.leases.set('door', { camera: 'door', node: 'b', expiresAt: table.now + TTL, state: 'live', fps: 25, viewers: 0, width: 0, height: 0 });
    await a.keeper.tick();
    expect(a.registry.running.size).toBe(0);
    expect(a.keeper.heldCameras()).toEqual([]);
  });

  it('a camera pinned to another node is handed over there, whatever the shares', async () => {
    const table = new MemoryLeases();
    const a = await build('a', table, cams('door', 'hall'));
    await a.keeper.tick();
    a.registry.definitions = [{ ...cams('door')[0], node: 'b' }, ...cams('hall')];
    await a.keeper.tick();
    expect(a.keeper.heldCameras()).toEqual(['hall']);
    expect(table.leases.has('door')).toBe(false);
  });
});
