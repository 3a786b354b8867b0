import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CamerasModule } from '../../src/cameras/cameras.module';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { EventsModule } from '../../src/events/events.module';
import { LifecycleModule } from '../../src/lifecycle/lifecycle.module';
import { LiveModule } from '../../src/live/live.module';
import { PeopleModule } from '../../src/people/people.module';
import { RecognitionModule } from '../../src/recognition/recognition.module';
import { SightingsModule } from '../../src/sightings/sightings.module';
import { NestFactory } from '@nestjs/core';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { CameraRegistry } from '../../src/cameras/camera-registry.service';
import { EventBus } from '../../src/events/event-bus';
import type { AnnotatedFrame, RecognitionEvent } from '../../src/stream/stream.types';
import { DEMO_VIDEO, PROJECT_ROOT } from '../support/paths';

jest.setTimeout(180_000);

/**
 * Two cameras in one process, through the real pipeline (capture processes, the vision thread,
 * the models, SQLite): camera "people" plays the demo recording, camera "empty" a clip with no
 * face at all. Nothing of one camera may ever show up on the other: no face drawn or reported
 * on "empty", and every sighting on "people". Engine state mixing (a held frame, the small-face
 * pass's memory) would show as faces on the empty camera.
 */
describe('two cameras in one process', () => {
  let dir: string;
  let app: INestApplication;
  let registry: CameraRegistry;
  const events: RecognitionEvent[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'two-cameras-'));
    const empty = join(dir, 'empty.mp4');
    // Test bars and moving noise: texture everywhere, no face anywhere.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=6', '-pix_fmt', 'yuv420p', empty]);
    Object.assign(process.env, {
      CAMERAS: JSON.stringify([
        { name: 'people', source: DEMO_VIDEO },
        { name: 'empty', source: empty },
      ]),
      DATA_DIR: join(dir, 'data'),
      FACES_DIR: resolve(PROJECT_ROOT, 'faces'),
      LOG_FORMAT: 'text',
    });
    app = await NestFactory.create(pipelineTestModule(), { logger: ['error', 'warn'] });
    app.get(EventBus).on('frame.recognized').subscribe((event) => events.push(event));
    await app.init();
    registry = app.get(CameraRegistry);
  });

  afterAll(async () => {
    await app?.close();
    for (const key of ['CAMERAS', 'DATA_DIR', 'FACES_DIR', 'LOG_FORMAT']) delete process.env[key];
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one pipeline per camera', () => {
    expect(registry.pipelines().map((p) => p.name)).toEqual(['people', 'empty']);
  });

  it('draws the people camera’s faces on its own frames only', async () => {
    const people = registry.pipeline('people')!;
    const empty = registry.pipeline('empty')!;
    const [drawnPeople, drawnEmpty] = await Promise.all([
      firstValueFrom(people.frames$.pipe(filter((f) => !f.offline), take(75), toArray())),
      firstValueFrom(empty.frames$.pipe(filter((f) => !f.offline), take(75), toArray())),
    ]);
    const faces = (frames: AnnotatedFrame[]) => frames.reduce((n, f) => n + f.faces.length, 0);
    expect(faces(drawnPeople)).toBeGreaterThan(50);
    expect(drawnPeople.some((f) => f.faces.some((face) => face.name !== 'Unknown'))).toBe(true);
    expect(drawnEmpty.every((f) => f.camera === 'empty')).toBe(true);
    expect(faces(drawnEmpty)).toBe(0);
  });

  it('reports faces only for the camera they were seen on', async () => {
    const fromPeople = events.filter((e) => e.camera === 'people');
    const fromEmpty = events.filter((e) => e.camera === 'empty');
    expect(fromPeople.length).toBeGreaterThan(20);
    expect(fromEmpty.length).toBeGreaterThan(20);
    expect(fromPeople.some((e) => e.faces.some((f) => f.personId !== null))).toBe(true);
    expect(fromEmpty.flatMap((e) => e.faces)).toEqual([]);
    const peopleTracks = new Set(fromPeople.flatMap((e) => e.faces.map((f) => f.trackId)));
    expect(peopleTracks.size).toBeGreaterThan(0);
  });

  it('records sightings with the camera they happened on', async () => {
    const server = app.getHttpServer();
    await app.listen(0, '127.0.0.1');
    const { port } = server.address() as { port: number };
    const deadline = Date.now() + 30_000;
    let items: Array<{ camera: string }> = [];
    while (Date.now() < deadline) {
      items = ((await (await fetch(`http://127.0.0.1:${port}/sightings?pageSize=100`)).json()) as { items: Array<{ camera: string }> }).items;
      if (items.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((s) => s.camera === 'people')).toBe(true);
  });
});

/**
 * The app's modules that a frame goes through, from capture to sightings (the health and metrics
 * modules are left out: @nestjs/terminus is ESM only, which jest cannot load).
 */
/** Built after the test set its environment: ConfigModule.forRoot reads it when called. */
function pipelineTestModule() {
  @Module({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
      LifecycleModule,
      DatabaseModule,
      EventsModule,
      CamerasModule,
      RecognitionModule,
      PeopleModule,
      LiveModule,
      SightingsModule,
    ],
  })
  class PipelineTestModule {}
  return PipelineTestModule;
}
