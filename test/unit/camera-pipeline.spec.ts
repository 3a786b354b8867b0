import { Test } from '@nestjs/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { CapturePort } from '../../src/camera/capture.port';
import { SerialQueue } from '../../src/common/serial-queue';
import { EventBus } from '../../src/events/event-bus';
import { GalleryService } from '../../src/recognition/gallery.service';
import { RecognitionService } from '../../src/recognition/recognition.service';
import { CAPTURE_DEFAULTS, DETECTION_DEFAULTS, PipelineFactory, STREAM_DEFAULTS } from '../../src/stream/pipeline/pipeline.factory';
import { RenderClient } from '../../src/stream/render/render.client';
import type { RecognitionEvent } from '../../src/stream/stream.types';
import { FakeCapturePort, FakeGallery, FakeRecognition, FakeRenderer } from '../support/pipeline-fakes';

/** Lets queued promise callbacks (recognition, drawing) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function build(stream: { confirmTracks?: boolean } = {}) {
  const capture = new FakeCapturePort();
  const recognition = new FakeRecognition();
  const renderer = new FakeRenderer();
  const module = await Test.createTestingModule({
    providers: [
      PipelineFactory,
      EventBus,
      { provide: CapturePort, useValue: capture },
      { provide: RecognitionService, useValue: recognition },
      { provide: GalleryService, useValue: new FakeGallery() },
      { provide: RenderClient, useValue: renderer },
      { provide: STREAM_DEFAULTS, useValue: { recognizeEveryN: 2, confirmTracks: false, jpegQuality: 80, overlayWaitMs: 0, maxRenderQueue: 8, ...stream } },
      { provide: CAPTURE_DEFAULTS, useValue: { loop: true, paced: true, reconnectInitialMs: 10, reconnectMaxMs: 100 } },
      { provide: DETECTION_DEFAULTS, useValue: { detectionWidth: 640, minScore: 0.6, smallFacePass: 'regions' } },
    ],
  }).compile();
  return { factory: module.get(PipelineFactory), events: module.get(EventBus), capture, recognition, renderer };
}

describe('CameraPipeline (built by PipelineFactory through DI, with fakes)', () => {
  it('resolves a camera’s overrides over the server’s settings', async () => {
    const { factory } = await build();
    const settings = factory.settingsFor({ name: 'door', source: '/tmp/x.mp4', enabled: true, recognizeEveryN: 3, detectionWidth: 320, jpegQuality: 60 });
    expect(settings).toMatchObject({ camera: 'door', recognizeEveryN: 3, jpegQuality: 60, confirmTracks: false });
    expect(settings.recognition).toMatchObject({ camera: 'door', detect: { detectionWidth: 320, minScore: 0.6, smallFacePass: 'regions' }, minFacePx: 0 });
    const plain = factory.settingsFor({ name: 'hall', source: '/tmp/y.mp4', enabled: true });
    expect(plain).toMatchObject({ recognizeEveryN: 2, jpegQuality: 80 });
    expect(factory.captureOptionsFor({ name: 'hall', source: '/tmp/y.mp4', enabled: true, pace: false })).toMatchObject({ name: 'hall', paced: false, loop: true });
  });

  it('recognises every Nth frame, keyed by its camera, and says so in every event', async () => {
    const { factory, events, capture, recognition } = await build();
    const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true });
    const onBus = firstValueFrom(events.on('frame.recognized').pipe(take(2), toArray()));
    const own = firstValueFrom(pipeline.recognitions$.pipe(take(2), toArray()));
    pipeline.start();
    const cam = capture.opened.get('door')!;
    expect(cam.started).toBe(true);
    for (let i = 0; i < 4; i++) {
      cam.push(i);
      await settle();
    }
    const received: RecognitionEvent[] = await own;
    expect(received.map((e) => e.frameIndex)).toEqual([0, 2]);
    expect((await onBus).every((e) => e.camera === 'door')).toBe(true);
    expect(recognition.calls).toEqual([
      { camera: 'door', frame: 0 },
      { camera: 'door', frame: 2 },
    ]);
    // Detection is told where the tracked faces are (motion gating): none before the first, then the one found.
    expect(recognition.trackedBoxes.map((boxes) => boxes.length)).toEqual([0, 1]);
    expect(pipeline.stats.detections.frame).toBe(2);
    expect(received[0].faces[0]).toMatchObject({ name: 'Ada', personId: 1 });
    expect(pipeline.facesInView[0].name).toBe('Ada');
    await pipeline.stop();
  });

  it('reuses a recognised frame’s buffer only once every observer holding its pixels let go', async () => {
    const { factory, events, capture } = await build();
    const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true });
    const holds: Array<() => void> = [];
    const sub = events.on('frame.observed').subscribe((observation) => holds.push(observation.hold()));
    pipeline.start();
    const cam = capture.opened.get('door')!;
    cam.push(0); // recognised, not drawn (nobody watches)
    cam.push(1); // neither
    await settle();
    expect(holds).toHaveLength(1);
    expect(cam.recycled).toEqual([1]); // frame 0's pixels are still held by the observer
    holds[0]();
    expect(cam.recycled).toEqual([1, 0]);
    sub.unsubscribe();
    await pipeline.stop();
  });

  it('draws and encodes only while someone watches', async () => {
    const { factory, capture, renderer } = await build();
    const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true });
    pipeline.start();
    const cam = capture.opened.get('door')!;
    for (let i = 0; i < 4; i++) cam.push(i);
    await settle();
    expect(renderer.rendered).toBe(0);
    expect(pipeline.stats.framesUnwatched).toBe(4);
    expect(cam.released).toBe(4);
    const frames: number[] = [];
    const viewer = pipeline.frames$.subscribe((frame) => frames.push(frame.index));
    expect(pipeline.watched).toBe(true);
    for (let i = 4; i < 8; i++) {
      cam.push(i);
      await settle();
    }
    expect(frames).toEqual([4, 5, 6, 7]);
    expect(renderer.rendered).toBe(4);
    // Every frame's buffer goes back for reuse once drawing and recognition are done with it
    // (frames 0–3 were not drawn; the recognised ones when their result was out).
    expect([...cam.recycled].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    viewer.unsubscribe();
    expect(pipeline.stats.frameSubscriptions).toBe(0);
    cam.push(8);
    await settle();
    expect(renderer.rendered).toBe(4);
    await pipeline.stop();
  });

  it('checks tracked faces between recognitions while recognition keeps up, and leaves the check out while recognitions queue', async () => {
    const watchAndPush = async (recognitionsPending: number) => {
      const { factory, capture, recognition } = await build({ confirmTracks: true });
      recognition.canFindFacesNear = true;
      recognition.recognitionsPending = recognitionsPending;
      const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true });
      pipeline.start();
      const viewer = pipeline.frames$.subscribe();
      const cam = capture.opened.get('door')!;
      for (let i = 0; i < 8; i++) {
        cam.push(i);
        await settle();
      }
      viewer.unsubscribe();
      await pipeline.stop();
      return { checked: recognition.checkedFrames, unchecked: pipeline.stats.tracksUnchecked };
    };
    const keepingUp = await watchAndPush(1);
    // Frames 0, 2, 4, 6 are recognised; the face tracked from them is checked on the frames in between.
    expect(keepingUp.checked).toEqual([1, 3, 5, 7]);
    expect(keepingUp.unchecked).toBe(0);
    const behind = await watchAndPush(2);
    expect(behind.checked).toEqual([]);
    expect(behind.unchecked).toBe(4);
  });

  it('draws a frame on request for a snapshot when nobody watches', async () => {
    const { factory, capture, renderer } = await build();
    const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true });
    pipeline.start();
    const cam = capture.opened.get('door')!;
    const snapshot = pipeline.snapshot(1000);
    await settle();
    cam.push(0);
    const frame = await snapshot;
    expect(frame?.camera).toBe('door');
    expect(renderer.rendered).toBe(1);
    expect(pipeline.stats.frameSubscriptions).toBe(0);
    await pipeline.stop();
  });

  it('stops cleanly: capture stopped, viewers’ streams complete, the engine forgets the camera', async () => {
    const { factory, capture, recognition } = await build();
    const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true });
    pipeline.start();
    let completed = false;
    pipeline.frames$.subscribe({ complete: () => (completed = true) });
    await pipeline.stop();
    expect(capture.opened.get('door')!.stopped).toBe(true);
    expect(completed).toBe(true);
    expect(recognition.forgotten).toEqual(['door']);
  });

  it('asks drawing to blur the faces its privacy setting hides: every face with blur-all, no named one with blur-unknown', async () => {
    for (const [privacy, expected] of [['blur-all', 1], ['blur-unknown', 0]] as const) {
      const { factory, capture, renderer } = await build();
      const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true, privacy });
      expect(factory.settingsFor({ name: 'door', source: '/tmp/x.mp4', enabled: true, privacy }).privacy).toBe(privacy);
      pipeline.start();
      const viewer = pipeline.frames$.subscribe();
      for (let i = 0; i < 4; i++) {
        capture.opened.get('door')!.push(i);
        await settle();
      }
      // The named face (Ada) is tracked from the first recognised frame on.
      expect(renderer.hidden.length).toBe(4);
      expect(renderer.hidden.slice(1).every((regions) => regions.length === expected)).toBe(true);
      viewer.unsubscribe();
      await pipeline.stop();
    }
  });

  it('asks drawing to mask the camera\u2019s privacy zones, in the frame\u2019s pixels', async () => {
    const { factory, capture, renderer } = await build();
    const zone: Array<[number, number]> = [[0, 0], [0.5, 0], [0.5, 0.5]];
    const pipeline = factory.create({ name: 'door', source: '/tmp/x.mp4', enabled: true, privacyZones: [zone] });
    pipeline.start();
    const viewer = pipeline.frames$.subscribe();
    capture.opened.get('door')!.push(0);
    await settle();
    expect(renderer.masked[0]).toEqual([[[0, 0], [160, 0], [160, 120]]]); // the fake frames are 320x240
    viewer.unsubscribe();
    await pipeline.stop();
  });

  it('gives two cameras distinct track ids and never mixes their frames', async () => {
    const { factory, capture, recognition } = await build();
    const a = factory.create({ name: 'a', source: '/tmp/a.mp4', enabled: true });
    const b = factory.create({ name: 'b', source: '/tmp/b.mp4', enabled: true });
    a.start();
    b.start();
    const seenA = firstValueFrom(a.recognitions$.pipe(take(1)));
    const seenB = firstValueFrom(b.recognitions$.pipe(take(1)));
    capture.opened.get('a')!.push(0);
    capture.opened.get('b')!.push(0);
    const [ea, eb] = await Promise.all([seenA, seenB]);
    expect(ea.camera).toBe('a');
    expect(eb.camera).toBe('b');
    expect(ea.faces[0].trackId).not.toBe(eb.faces[0].trackId);
    expect(recognition.calls.map((c) => c.camera).sort()).toEqual(['a', 'b']);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('shares one engine fairly: a camera with many faces slows its own recognition, not the other camera’s turn', async () => {
    const { factory, capture, recognition } = await build();
    // One engine for both, serving calls in arrival order (the vision thread's lane); a frame of
    // "crowd" costs ten times one of "door" (ten faces to embed).
    const engine = new SerialQueue();
    const costMs: Record<string, number> = { crowd: 20, door: 2 };
    const recognize = recognition.recognizeFrame.bind(recognition);
    recognition.recognizeFrame = (camera, frame, needs) =>
      engine.run(async () => {
        await new Promise((r) => setTimeout(r, costMs[camera.camera]));
        return recognize(camera, frame, needs);
      });
    const crowd = factory.create({ name: 'crowd', source: '/tmp/c.mp4', enabled: true, recognizeEveryN: 1 });
    const door = factory.create({ name: 'door', source: '/tmp/d.mp4', enabled: true, recognizeEveryN: 1 });
    crowd.start();
    door.start();
    for (let i = 0; i < 60; i++) {
      capture.opened.get('crowd')!.push(i);
      capture.opened.get('door')!.push(i);
      await new Promise((r) => setTimeout(r, 5));
    }
    // Let the last frames through (waited for, not timed: a loaded machine stretches timers).
    const settled = () => [crowd, door].every((p) => p.stats.recognitionsRun + p.stats.recognitionDropped >= 58);
    for (let waited = 0; !settled() && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    // Each camera has at most one frame in the engine and one waiting (newest wins), so the queue
    // alternates between them: door gets a turn for every turn of the crowd (the crowd may be one
    // ahead, by who came first when the machine stalls). Unfair would be door far behind.
    expect(door.stats.recognitionsRun).toBeGreaterThanOrEqual(crowd.stats.recognitionsRun - 1);
    expect(crowd.stats.recognitionsRun).toBeGreaterThan(5);
    // Nothing queues without bound: every frame was recognised or replaced by a newer one.
    for (const p of [crowd, door]) expect(p.stats.recognitionsRun + p.stats.recognitionDropped).toBeGreaterThanOrEqual(58);
    await Promise.all([crowd.stop(), door.stop()]);
  });
});
