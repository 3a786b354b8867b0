import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { CameraLocations, type RemoteCamera } from '../cameras/camera-locations';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { describeError } from '../common/worker-rpc';
import { EventBus } from '../events/event-bus';
import type { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import { CameraLeasesPort, type CameraRun, type ClusterNode } from './camera-leases.port';
import { planLeases } from './lease-plan';

export const LEASE_SETTINGS = Symbol('LEASE_SETTINGS');

export interface LeaseSettings {
  /** This node (NODE_NAME, NODE_URL). */
  node: ClusterNode;
  /** CAMERA_LEASE_TTL_MS. */
  ttlMs: number;
  /** CAMERA_LEASE_RENEW_MS. */
  renewMs: number;
  /** A monotonic clock in ms (performance.now; a spec moves its own). */
  clock: () => number;
}

/** Hands a camera's open sightings over between nodes (see SightingsService). */
export abstract class SightingsHandover {
  /** Before this node starts a camera: the sightings another node left open on it up to `maxGapMs` ago are continued, older ones closed. */
  abstract continueOpen(camera: string, maxGapMs: number): Promise<void>;
  /** After this node stopped a camera for another node: its open sightings are written and left open for that node. */
  abstract handOver(camera: string): Promise<void>;
}

/**
 * Runs this node's cameras by lease (several nodes on one PostgreSQL): every renewMs it beats,
 * re-reads the cameras table, renews the leases it holds, gives up those it must (pinned
 * elsewhere, above its share) and takes its share of the free ones (lease-plan.ts). A pipeline
 * runs only while its lease is known to be held: when renewals fail (the database is out of
 * reach), the camera is stopped once a lease could have run out minus a margin — before any other
 * node may take it over.
 */
@Injectable()
export class CameraLeaseKeeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CameraLeases');
  /** The cameras this node runs, with when (local clock) their lease was last renewed: the moment before the statement was sent. */
  private readonly held = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private subscription?: Subscription;
  private running?: Promise<void>;
  private again = false;
  private unreachableSince?: number;
  /** An extra beat right when another node's lease runs out (a dead node's camera moves then, not at the next beat). */
  private atExpiry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly leases: CameraLeasesPort,
    private readonly registry: CameraRegistry,
    private readonly locations: CameraLocations,
    private readonly sightings: SightingsHandover,
    private readonly events: EventBus,
    @Inject(LEASE_SETTINGS) private readonly settings: LeaseSettings,
  ) {}

  onApplicationBootstrap(): void {
    // A camera added, changed or removed through this node's API: placed at once, not at the next beat.
    this.subscription = this.events.on('camera.changed').subscribe(() => void this.tick());
    this.timers = [setInterval(() => void this.tick(), this.settings.renewMs), setInterval(() => void this.stopExpiring(), Math.min(500, this.settings.renewMs))];
    for (const timer of this.timers) timer.unref();
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.atExpiry);
    await this.running;
    // A clean stop hands the cameras over at once instead of after their leases run out.
    for (const camera of [...this.held.keys()]) await this.giveUp(camera).catch(() => undefined);
    await this.leases.leave(this.settings.node.name).catch(() => undefined);
  }

  /** The cameras this node holds a lease on. */
  heldCameras(): string[] {
    return [...this.held.keys()].sort();
  }

  /** One beat; a beat asked for while one runs runs right after it. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.beat()
      .catch((err) => this.unreachable(err))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.tick();
        }
      });
    return this.running;
  }

  private async beat(): Promise<void> {
    const me = this.settings.node.name;
    const view = await this.leases.heartbeat(this.settings.node, this.settings.ttlMs);
    await this.registry.refresh();
    if (this.unreachableSince !== undefined) this.logger.log(`the lease table is reachable again after ${Math.round(this.settings.clock() - this.unreachableSince)} ms`);
    this.unreachableSince = undefined;

    const cameras = this.registry.list().map(({ definition }) => ({ name: definition.name, enabled: definition.enabled, node: definition.node }));
    const plan = planLeases({ me, now: view.now, cameras, leases: view.leases, liveNodes: view.nodes.map((node) => node.name) });
    for (const camera of plan.release) await this.giveUp(camera);
    const renewed = new Set<string>();
    for (const camera of [...plan.keep, ...plan.take]) {
      const sentAt = this.settings.clock();
      if (!(await this.leases.acquire(camera, me, this.settings.ttlMs, this.runOf(camera)))) continue;
      const taken = !this.held.has(camera);
      this.held.set(camera, sentAt);
      renewed.add(camera);
      if (taken) await this.start(camera, view.leases.find((lease) => lease.camera === camera)?.node);
    }
    // Held no more (taken over after an outage, or not in the plan): stopped.
    for (const camera of [...this.held.keys()]) if (!renewed.has(camera)) await this.stop(camera, 'its lease is held elsewhere now');
    for (const { definition, pipeline } of this.registry.list()) if (pipeline && !this.held.has(definition.name)) await this.registry.halt(definition.name);

    const urls = new Map(view.nodes.map((node) => [node.name, node.url]));
    const remote = new Map<string, RemoteCamera>();
    for (const lease of view.leases) {
      const url = urls.get(lease.node);
      if (lease.node === me || lease.expiresAt <= view.now || !url) continue;
      const { node, state, fps, viewers, width, height } = lease;
      remote.set(lease.camera, { node, url, state, fps, viewers, width, height });
    }
    this.locations.set(remote);
    this.beatAtNextExpiry(view.leases.filter((lease) => lease.node !== me).map((lease) => lease.expiresAt - view.now));
  }

  /** Live nodes renew long before their leases run out: a lease running out before the next beat is a dead node's. */
  private beatAtNextExpiry(remainingMs: number[]): void {
    clearTimeout(this.atExpiry);
    const soonest = Math.min(...remainingMs.filter((ms) => ms > 0 && ms < this.settings.renewMs));
    if (!Number.isFinite(soonest) || this.stopped) return;
    this.atExpiry = setTimeout(() => void this.tick(), soonest + 50);
    this.atExpiry.unref();
  }

  private async start(camera: string, previousNode: string | undefined): Promise<void> {
    // The longest a camera goes unrun at a failover: its lease running out, then the next beat.
    const failoverMs = this.settings.ttlMs + 2 * this.settings.renewMs;
    await this.sightings.continueOpen(camera, failoverMs).catch((err) => this.logger.warn(`camera ${camera}: open sightings not looked at: ${describeError(err)}`));
    await this.registry.run(camera);
    this.logger.log(`camera ${camera} leased and started here${previousNode && previousNode !== this.settings.node.name ? ` (taken over from ${previousNode})` : ''}`);
  }

  /** The lease is lost (or may be any moment): the camera stops, its open sightings are left to whoever runs it next. */
  private async stop(camera: string, why: string): Promise<void> {
    this.held.delete(camera);
    await this.registry.halt(camera);
    this.logger.warn(`camera ${camera} stopped here: ${why}`);
    // Not awaited: with the database out of reach these writes may wait, and the next camera must stop now.
    void this.sightings.handOver(camera).catch((err) => this.logger.warn(`camera ${camera}: sightings not handed over: ${describeError(err)}`));
  }

  /** Stop first, then hand the sightings over, then release: the next node never overlaps this one. */
  private async giveUp(camera: string): Promise<void> {
    this.held.delete(camera);
    await this.registry.halt(camera);
    await this.sightings.handOver(camera).catch((err) => this.logger.warn(`camera ${camera}: sightings not handed over: ${describeError(err)}`));
    await this.leases.release(camera, this.settings.node.name);
    this.logger.log(`camera ${camera} released to the other nodes`);
  }

  /** The safety rule: a lease not renewed for ttl − renew ms may run out soon, so its camera stops here now. */
  private async stopExpiring(): Promise<void> {
    const limit = this.settings.ttlMs - this.settings.renewMs;
    const now = this.settings.clock();
    for (const [camera, renewedAt] of [...this.held]) {
      if (now - renewedAt > limit) await this.stop(camera, `its lease was not renewed for ${Math.round(now - renewedAt)} ms (another node may take it over)`);
    }
  }

  private unreachable(err: unknown): void {
    if (this.unreachableSince === undefined) {
      this.unreachableSince = this.settings.clock();
      this.logger.warn(`cannot reach the lease table (${describeError(err)}); cameras here keep running for up to ${this.settings.ttlMs - this.settings.renewMs} ms`);
    }
  }

  private runOf(camera: string): CameraRun {
    const pipeline: CameraPipeline | undefined = this.registry.list().find((entry) => entry.definition.name === camera)?.pipeline;
    const status = pipeline?.captureStatus();
    return { state: status?.state ?? 'connecting', fps: status?.fps ?? 0, viewers: pipeline?.stats.viewers ?? 0, width: status?.width ?? 0, height: status?.height ?? 0 };
  }
}
