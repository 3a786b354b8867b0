import { Test } from '@nestjs/testing';
import { CapturePort } from '../../src/camera/capture.port';
import { CameraConfigError } from '../../src/cameras/camera-definition';
import type { CameraDefinition } from '../../src/cameras/camera-definition.types';
import { CameraNotFoundError, CameraSourceError } from '../../src/cameras/camera-errors';
import { applyPatch, CameraRegistry, CONFIGURED_CAMERAS, LEASED_CAMERAS, SOURCE_PROBE_MS } from '../../src/cameras/camera-registry.service';
import { CameraExistsError, CamerasRepository } from '../../src/cameras/cameras.repository';
import { EventBus } from '../../src/events/event-bus';
import type { AppEvents } from '../../src/events/app-events';
import { GalleryService } from '../../src/recognition/gallery.service';
import { RecognitionService } from '../../src/recognition/recognition.service';
import { CAPTURE_DEFAULTS, DETECTION_DEFAULTS, PipelineFactory, STREAM_DEFAULTS } from '../../src/stream/pipeline/pipeline.factory';
import { RenderClient } from '../../src/stream/render/render.client';
import { FakeCapturePort, FakeGallery, FakeRecognition, FakeRenderer } from '../support/pipeline-fakes';

/** The cameras table in memory, with the repository's contract (names unique). */
class MemoryCamerasRepository {
  rows: CameraDefinition[] = [];
  async all() {
    return [...this.rows];
  }
  async ensure(defs: CameraDefinition[]) {
    for (const def of defs) if (!this.rows.some((row) => row.name === def.name)) this.rows.push(def);
    return [...this.rows];
  }
  async insert(def: CameraDefinition) {
    if (this.rows.some((row) => row.name === def.name)) throw new CameraExistsError(def.name);
    this.rows.push(def);
  }
  async update(name: string, patch: Record<string, unknown>) {
    const i = this.rows.findIndex((row) => row.name === name);
    this.rows[i] = applyPatch(this.rows[i], patch) as unknown as CameraDefinition;
    return this.rows[i];
  }
  async remove(name: string) {
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => row.name !== name);
    return this.rows.length < before;
  }
}

async function build(configured: CameraDefinition[], leased = false) {
  const capture = new FakeCapturePort();
  const repository = new MemoryCamerasRepository();
  const module = await Test.createTestingModule({
    providers: [
      CameraRegistry,
      PipelineFactory,
      EventBus,
      { provide: CamerasRepository, useValue: repository },
      { provide: CONFIGURED_CAMERAS, useValue: configured },
      { provide: SOURCE_PROBE_MS, useValue: 50 },
      { provide: LEASED_CAMERAS, useValue: leased },
      { provide: CapturePort, useValue: capture },
      { provide: RecognitionService, useValue: new FakeRecognition() },
      { provide: GalleryService, useValue: new FakeGallery() },
      { provide: RenderClient, useValue: new FakeRenderer() },
      { provide: STREAM_DEFAULTS, useValue: { recognizeEveryN: 2, confirmTracks: false, jpegQuality: 80, overlayWaitMs: 0, maxRenderQueue: 8 } },
      { provide: CAPTURE_DEFAULTS, useValue: { loop: true, paced: true, reconnectInitialMs: 10, reconnectMaxMs: 100 } },
      { provide: DETECTION_DEFAULTS, useValue: { detectionWidth: 640, minScore: 0.6, smallFacePass: 'regions' } },
    ],
  }).compile();
  const registry = module.get(CameraRegistry);
  const changes: Array<AppEvents['camera.changed']> = [];
  module.get(EventBus).on('camera.changed').subscribe((change) => changes.push(change));
  await registry.onApplicationBootstrap();
  return { registry, capture, repository, changes };
}

const cam = (name: string, source = `/videos/${name}.mp4`, extra: Partial<CameraDefinition> = {}): CameraDefinition => ({ name, source, enabled: true, ...extra });

describe('CameraRegistry (with fakes through DI)', () => {
  it('starts the configured cameras, skipping disabled ones, and keeps their order', async () => {
    const { registry, capture, changes } = await build([cam('door'), cam('hall', undefined, { enabled: false }), cam('yard')]);
    expect(registry.list().map((e) => e.definition.name)).toEqual(['door', 'hall', 'yard']);
    expect(registry.pipelines().map((p) => p.name)).toEqual(['door', 'yard']);
    expect(registry.first()?.name).toBe('door');
    expect([...capture.opened.keys()]).toEqual(['door', 'yard']);
    expect(changes.map((c) => c.camera)).toEqual(['door', 'hall', 'yard']);
    await registry.onModuleDestroy();
  });

  it('adds a camera at run time without touching the others', async () => {
    const { registry, capture, repository, changes } = await build([cam('door')]);
    const door = registry.pipeline('door');
    await registry.add({ name: 'porch', source: '/videos/porch.mp4', jpegQuality: 60 });
    expect(registry.pipeline('door')).toBe(door);
    expect(capture.opened.get('door')!.stopped).toBe(false);
    expect(registry.pipeline('porch')?.settings.jpegQuality).toBe(60);
    expect(repository.rows.map((r) => r.name)).toEqual(['door', 'porch']);
    expect(changes.at(-1)).toEqual({ camera: 'porch', change: 'added' });
    await registry.onModuleDestroy();
  });

  it('refuses bad input, a taken name and a source that cannot open, changing nothing', async () => {
    const { registry, capture, repository } = await build([cam('door')]);
    await expect(registry.add({ name: 'Bad Name', source: '/x.mp4' })).rejects.toBeInstanceOf(CameraConfigError);
    await expect(registry.add({ name: 'ok', source: '/x.mp4', bogus: 1 })).rejects.toBeInstanceOf(CameraConfigError);
    await expect(registry.add({ name: 'door', source: '/x.mp4' })).rejects.toBeInstanceOf(CameraExistsError);
    await expect(registry.add({ name: 'gate', source: '/videos/broken.mp4' })).rejects.toThrow(/cannot be opened: cannot open source/);
    await expect(registry.add({ name: 'gate', source: '/videos/silent.mp4' })).rejects.toBeInstanceOf(CameraSourceError);
    expect(capture.opened.get('gate')!.stopped).toBe(true);
    expect(repository.rows.map((r) => r.name)).toEqual(['door']);
    expect(registry.list().map((e) => e.definition.name)).toEqual(['door']);
    expect(capture.opened.get('door')!.stopped).toBe(false);
    await registry.onModuleDestroy();
  });

  it('changes a camera by replacing its pipeline; a new source that fails keeps the old one', async () => {
    const { registry, capture } = await build([cam('door'), cam('hall')]);
    const hall = registry.pipeline('hall');
    const before = registry.pipeline('door')!;
    await registry.update('door', { recognizeEveryN: 3 });
    expect(registry.pipeline('door')).not.toBe(before);
    expect(registry.pipeline('door')!.settings.recognizeEveryN).toBe(3);
    expect(registry.pipeline('hall')).toBe(hall);
    const current = registry.pipeline('door');
    await expect(registry.update('door', { source: '/videos/broken.mp4' })).rejects.toBeInstanceOf(CameraSourceError);
    expect(registry.pipeline('door')).toBe(current);
    expect(registry.get('door').definition.source).toBe('/videos/door.mp4');
    await expect(registry.update('door', { name: 'other' })).rejects.toBeInstanceOf(CameraConfigError);
    await registry.update('door', { recognizeEveryN: null });
    expect(registry.get('door').definition.recognizeEveryN).toBeUndefined();
    await registry.update('door', { enabled: false });
    expect(registry.pipeline('door')).toBeUndefined();
    expect(capture.opened.get('hall')!.stopped).toBe(false);
    await registry.onModuleDestroy();
  });

  it('removes a camera: its pipeline stops, its viewers’ streams end, the name is free again', async () => {
    const { registry, capture, repository, changes } = await build([cam('door'), cam('hall')]);
    let ended = false;
    registry.pipeline('door')!.frames$.subscribe({ complete: () => (ended = true) });
    await registry.remove('door');
    expect(ended).toBe(true);
    expect(capture.opened.get('door')!.stopped).toBe(true);
    expect(capture.opened.get('hall')!.stopped).toBe(false);
    expect(repository.rows.map((r) => r.name)).toEqual(['hall']);
    expect(changes.at(-1)).toEqual({ camera: 'door', change: 'removed' });
    expect(() => registry.get('door')).toThrow(CameraNotFoundError);
    await expect(registry.remove('door')).rejects.toBeInstanceOf(CameraNotFoundError);
    await registry.add({ name: 'door', source: '/videos/door2.mp4' });
    expect(registry.pipeline('door')).toBeDefined();
    await registry.onModuleDestroy();
  });
});

describe('CameraRegistry with leased cameras (several nodes on one PostgreSQL)', () => {
  it('starts nothing by itself: run and halt start and stop one camera, a disabled one never runs', async () => {
    const { registry, capture } = await build([cam('door'), cam('hall', undefined, { enabled: false }), cam('yard')], true);
    expect(registry.pipelines()).toEqual([]);
    expect(capture.opened.size).toBe(0);
    expect(await registry.run('door')).toBe(true);
    expect(await registry.run('hall')).toBe(false);
    expect(await registry.run('gone')).toBe(false);
    expect(registry.pipelines().map((p) => p.name)).toEqual(['door']);
    await registry.halt('door');
    expect(capture.opened.get('door')!.stopped).toBe(true);
    expect(registry.pipeline('door')).toBeUndefined();
    await registry.onModuleDestroy();
  });

  it('an added camera must open, then waits for the node that leases it', async () => {
    const { registry, capture, repository } = await build([], true);
    await registry.add({ name: 'door', source: '/videos/door.mp4' });
    expect(capture.opened.get('door')!.stopped).toBe(true);
    expect(registry.pipeline('door')).toBeUndefined();
    expect(repository.rows.map((row) => row.name)).toEqual(['door']);
    await expect(registry.add({ name: 'hall', source: '/videos/broken.mp4' })).rejects.toBeInstanceOf(CameraSourceError);
    expect(repository.rows.map((row) => row.name)).toEqual(['door']);
  });

  it('follows the changes other nodes made: new cameras listed, removed ones stopped, changed ones restarted where they run; a new pin alone restarts nothing', async () => {
    const { registry, capture, repository, changes } = await build([cam('door'), cam('hall'), cam('yard')], true);
    await registry.run('door');
    await registry.run('hall');
    const door = registry.pipeline('door');
    const hallBefore = registry.pipeline('hall');
    repository.rows = [{ ...cam('door'), node: 'node-2' }, cam('hall', undefined, { jpegQuality: 50 }), cam('yard', undefined, { jpegQuality: 60 }), cam('gate')];
    changes.length = 0;
    await registry.refresh();
    expect(registry.list().map((entry) => entry.definition.name)).toEqual(['door', 'hall', 'yard', 'gate']);
    expect(registry.pipeline('door')).toBe(door);
    expect(registry.get('door').definition.node).toBe('node-2');
    // Restarted with its new settings: a new pipeline, a new capture running.
    expect(registry.pipeline('hall')).not.toBe(hallBefore);
    expect(capture.opened.get('hall')!.stopped).toBe(false);
    expect(registry.get('hall').definition.jpegQuality).toBe(50);
    expect(registry.pipeline('yard')).toBeUndefined();
    expect(registry.pipeline('gate')).toBeUndefined();
    expect(changes).toEqual([
      { camera: 'door', change: 'changed', origin: 'store' },
      { camera: 'hall', change: 'changed', origin: 'store' },
      { camera: 'yard', change: 'changed', origin: 'store' },
      { camera: 'gate', change: 'added', origin: 'store' },
    ]);
    repository.rows = repository.rows.filter((row) => row.name !== 'hall');
    const hall = registry.pipeline('hall')!;
    let ended = false;
    hall.frames$.subscribe({ complete: () => (ended = true) });
    await registry.refresh();
    expect(ended).toBe(true);
    expect(() => registry.get('hall')).toThrow(CameraNotFoundError);
    await registry.onModuleDestroy();
  });

  it('never applies a read of the table older than a change made through this node meanwhile', async () => {
    const { registry, repository } = await build([cam('door')], true);
    const stale = await repository.all();
    let answer!: () => void;
    repository.all = () => new Promise((resolve) => (answer = () => resolve(stale)));
    const refreshing = registry.refresh();
    await registry.update('door', { jpegQuality: 40 });
    answer();
    await refreshing;
    expect(registry.get('door').definition.jpegQuality).toBe(40);
  });
});
