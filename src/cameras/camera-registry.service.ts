import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { filter, firstValueFrom, map, merge, pairwise, race, startWith, Subscription, timer } from 'rxjs';
import { EventBus } from '../events/event-bus';
import { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import { PipelineFactory } from '../stream/pipeline/pipeline.factory';
import { CameraPatch, parseCameraDefinition } from './camera-definition';
import type { CameraDefinition } from './camera-definition.types';
import { CameraNotFoundError, CameraSourceError } from './camera-errors';
import { CameraExistsError, CamerasRepository } from './cameras.repository';

export const CONFIGURED_CAMERAS = Symbol('CONFIGURED_CAMERAS');
export const SOURCE_PROBE_MS = Symbol('SOURCE_PROBE_MS');
/**
 * True when several nodes share the store (PostgreSQL): a camera's pipeline then runs only on
 * the node leasing it, started and stopped by the lease keeper (run/halt), never by the registry.
 */
export const LEASED_CAMERAS = Symbol('LEASED_CAMERAS');

interface Entry {
  definition: CameraDefinition;
  pipeline?: CameraPipeline;
  stateSubscription?: Subscription;
}

/**
 * Every camera of this node: loads the configured ones (created in the database when missing,
 * like faces/), starts one pipeline per enabled camera, and adds, changes and removes cameras
 * at run time without touching the others. Changes are serialised (one at a time).
 */
@Injectable()
export class CameraRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CameraRegistry.name);
  private readonly cameras = new Map<string, Entry>();
  private changes: Promise<unknown> = Promise.resolve();
  /** Counts the changes made through this node (add, update, remove), so refresh() never applies an older read over them. */
  private localChanges = 0;

  constructor(
    private readonly repository: CamerasRepository,
    private readonly factory: PipelineFactory,
    private readonly events: EventBus,
    @Inject(CONFIGURED_CAMERAS) private readonly configured: CameraDefinition[],
    @Inject(SOURCE_PROBE_MS) private readonly probeMs: number,
    @Optional() @Inject(LEASED_CAMERAS) private readonly leased: boolean = false,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of await this.repository.ensure(this.configured, 'config')) {
      this.cameras.set(definition.name, { definition });
      if (definition.enabled && !this.leased) this.startPipeline(definition.name);
      this.events.emit('camera.changed', { camera: definition.name, change: 'added', origin: 'store' });
    }
    this.logger.log(`${this.cameras.size} camera(s): ${[...this.cameras.keys()].join(', ')}`);
  }

  /** Before the HTTP server closes: viewers' streams end cleanly, capture processes stop. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.cameras.values()].map((entry) => this.stopPipeline(entry)));
  }

  /** Every camera, in the order they were added. */
  list(): Array<{ definition: CameraDefinition; pipeline?: CameraPipeline }> {
    return [...this.cameras.values()];
  }

  /** Running pipelines, in camera order. */
  pipelines(): CameraPipeline[] {
    return this.list().flatMap((entry) => (entry.pipeline ? [entry.pipeline] : []));
  }

  get(name: string): { definition: CameraDefinition; pipeline?: CameraPipeline } {
    const entry = this.cameras.get(name);
    if (!entry) throw new CameraNotFoundError(name);
    return entry;
  }

  /** The running pipeline of a camera (404 when unknown, 503-worthy undefined when disabled). */
  pipeline(name: string): CameraPipeline | undefined {
    return this.get(name).pipeline;
  }

  /** The first running camera: what /stream shows. */
  first(): CameraPipeline | undefined {
    return this.pipelines()[0];
  }

  /** Adds a camera from an API body; its source must open before it is kept. */
  add(body: unknown): Promise<CameraDefinition> {
    return this.serialised(async () => {
      const definition = parseCameraDefinition(body);
      if (this.cameras.has(definition.name)) throw new CameraExistsError(definition.name);
      const pipeline = definition.enabled ? await this.probe(definition) : undefined;
      try {
        await this.repository.insert(definition, 'api');
        this.localChanges++;
      } catch (err) {
        await pipeline?.stop();
        throw err;
      }
      this.cameras.set(definition.name, { definition });
      // Leased: the probe only proved the source; the node that leases the camera starts it.
      if (pipeline && this.leased) await pipeline.stop();
      else if (pipeline) this.adopt(definition.name, pipeline);
      this.events.emit('camera.changed', { camera: definition.name, change: 'added' });
      this.logger.log(`camera ${definition.name} added (${definition.enabled ? 'enabled' : 'disabled'})`);
      return definition;
    });
  }

  /** Changes a camera; a new source must open before the old pipeline is replaced. */
  update(name: string, body: unknown): Promise<CameraDefinition> {
    return this.serialised(async () => {
      const entry = this.get(name);
      const patch = parseCameraDefinition(body, { partial: true, camera: name });
      const definition = parseCameraDefinition(applyPatch(entry.definition, patch));
      const restart = needsRestart(entry.definition, definition);
      // Leased: a camera run by another node is restarted there (it re-reads the table), not probed here.
      const replacement = restart && definition.enabled && (!this.leased || entry.pipeline) ? await this.probe(definition) : undefined;
      try {
        await this.repository.update(name, patch);
        this.localChanges++;
      } catch (err) {
        await replacement?.stop();
        throw err;
      }
      entry.definition = definition;
      if (restart) {
        await this.stopPipeline(entry);
        if (replacement) this.adopt(name, replacement);
      }
      this.events.emit('camera.changed', { camera: name, change: 'changed' });
      return definition;
    });
  }

  /** Removes a camera: its viewers' streams end, its capture process stops. */
  remove(name: string): Promise<void> {
    return this.serialised(async () => {
      const entry = this.get(name);
      await this.repository.remove(name);
      this.localChanges++;
      this.cameras.delete(name);
      await this.stopPipeline(entry);
      this.events.emit('camera.changed', { camera: name, change: 'removed' });
      this.logger.log(`camera ${name} removed`);
    });
  }

  /** Leased: starts the camera's pipeline here (this node has just leased it); false when it is unknown or disabled. */
  run(name: string): Promise<boolean> {
    return this.serialised(async () => {
      const entry = this.cameras.get(name);
      if (!entry?.definition.enabled) return false;
      if (!entry.pipeline) this.startPipeline(name);
      return true;
    });
  }

  /** Leased: stops the camera's pipeline here (its lease is given up or lost). */
  halt(name: string): Promise<void> {
    return this.serialised(async () => {
      const entry = this.cameras.get(name);
      if (entry) await this.stopPipeline(entry);
    });
  }

  /**
   * Leased: follows the changes other nodes made to the cameras table. New cameras are listed
   * (not started), removed ones stopped and dropped, changed ones restarted when they run here.
   */
  async refresh(): Promise<void> {
    // Read outside the queue: a query hanging on a lost database must not hold up halt() (the lease keeper's safety stop).
    const changesBefore = this.localChanges;
    const stored = await this.repository.all();
    return this.serialised(async () => {
      // A change made here meanwhile is newer than what was read: the next refresh reads it.
      if (this.localChanges !== changesBefore) return;
      const names = new Set(stored.map((definition) => definition.name));
      for (const [name, entry] of this.cameras) {
        if (names.has(name)) continue;
        this.cameras.delete(name);
        await this.stopPipeline(entry);
        this.events.emit('camera.changed', { camera: name, change: 'removed', origin: 'store' });
      }
      for (const definition of stored) {
        const entry = this.cameras.get(definition.name);
        if (!entry) {
          this.cameras.set(definition.name, { definition });
          this.events.emit('camera.changed', { camera: definition.name, change: 'added', origin: 'store' });
          continue;
        }
        if (JSON.stringify(definition) === JSON.stringify(entry.definition)) continue;
        const restart = needsRestart(entry.definition, definition) && entry.pipeline !== undefined;
        entry.definition = definition;
        if (restart) {
          await this.stopPipeline(entry);
          if (definition.enabled) this.startPipeline(definition.name);
        }
        this.events.emit('camera.changed', { camera: definition.name, change: 'changed', origin: 'store' });
      }
    });
  }

  private serialised<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change, change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  private startPipeline(name: string): void {
    const entry = this.cameras.get(name)!;
    const pipeline = this.factory.create(entry.definition);
    pipeline.start();
    this.adopt(name, pipeline);
  }

  /** Takes a started pipeline into the registry and relays its camera's state changes. */
  private adopt(name: string, pipeline: CameraPipeline): void {
    const entry = this.cameras.get(name)!;
    entry.pipeline = pipeline;
    const state$ = pipeline.capture.state$;
    entry.stateSubscription = state$.pipe(startWith(state$.value), pairwise(), filter(([a, b]) => a !== b)).subscribe(([previous, state]) => {
      this.events.emit('camera.state', { camera: name, previous, state, lastError: pipeline.captureStatus().lastError });
    });
  }

  private async stopPipeline(entry: Entry): Promise<void> {
    const pipeline = entry.pipeline;
    entry.pipeline = undefined;
    entry.stateSubscription?.unsubscribe();
    await pipeline?.stop();
  }

  /**
   * Starts a pipeline for the definition and waits for its source to deliver a first frame (or
   * end, for a finite file); a source that fails or stays silent is refused and stopped.
   */
  private async probe(definition: CameraDefinition): Promise<CameraPipeline> {
    let pipeline: CameraPipeline;
    try {
      pipeline = this.factory.create(definition);
    } catch (err) {
      throw new CameraSourceError(definition.name, err instanceof Error ? err.message : String(err));
    }
    pipeline.start();
    const state$ = pipeline.capture.state$;
    const outcome = await firstValueFrom(
      race(
        merge(state$.pipe(filter((s) => s === 'live' || s === 'ended')).pipe(map(() => 'ok' as const)), state$.pipe(filter((s) => s === 'reconnecting'), map(() => 'failed' as const))),
        timer(this.probeMs).pipe(map(() => 'timeout' as const)),
      ),
    );
    if (outcome === 'ok') return pipeline;
    const reason = outcome === 'timeout' ? `no frame within ${this.probeMs} ms` : (pipeline.captureStatus().lastError ?? 'it failed');
    await pipeline.stop();
    throw new CameraSourceError(definition.name, reason);
  }
}

/** Whether a change reaches the pipeline (a new pin only moves the camera: the lease keeper's business). */
function needsRestart(before: CameraDefinition, after: CameraDefinition): boolean {
  const { node: _before, ...a } = before;
  const { node: _after, ...b } = after;
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** The definition with a PATCH body applied: `null` returns an override to the server-wide setting. */
export function applyPatch(current: CameraDefinition, patch: CameraPatch): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next;
}

