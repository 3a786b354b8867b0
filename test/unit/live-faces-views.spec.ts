/**
 * LiveFacesService keeps each tracked face's newest view so it can be enrolled from the console:
 * the frame itself while the face is in view, only the face's own region once it has left (a
 * frame held per departed face cost ~4 frames per camera).
 */
import { EventBus } from '../../src/events/event-bus';
import { cropRegion, copyRegion } from '../../src/live/face-crop';
import { LiveFacesService } from '../../src/live/live-faces.service';
import type { FrameObservation } from '../../src/stream/stream.types';
import type { BgrImage, Box } from '../../src/recognition/face.types';

const WIDTH = 320;
const HEIGHT = 240;

/** A frame whose holds are counted, as the pipeline's pooled frames are. */
function frame(seed: number) {
  const image: BgrImage = { width: WIDTH, height: HEIGHT, data: Uint8Array.from({ length: WIDTH * HEIGHT * 3 }, (_, i) => (i * 7 + seed) % 251) };
  let holds = 0;
  return {
    image,
    holds: () => holds,
    hold: () => {
      holds++;
      let released = false;
      return () => {
        if (!released) holds--;
        released = true;
      };
    },
  };
}

function observation(camera: string, f: ReturnType<typeof frame>, faces: Array<{ trackId: number; box: Box }>, at: number): FrameObservation {
  return {
    camera,
    frameIndex: at,
    capturedAt: at,
    recognizedAt: at,
    inferenceMs: 0,
    detectMs: 0,
    embedMs: 0,
    matchingMs: 0,
    faces: faces.map(({ trackId, box }) => ({ trackId, box, landmarks: [], score: 0.9, personId: null, name: 'Unknown', similarity: 0, confidence: 0 })),
    image: f.image,
    embeddings: faces.map(() => null),
    hold: f.hold,
  };
}

describe('LiveFacesService: views to enroll from', () => {
  const crops: Array<{ image: BgrImage; box: Box }> = [];
  let events: EventBus;
  let live: LiveFacesService;

  beforeEach(() => {
    crops.length = 0;
    events = new EventBus();
    const cameras = { pipelines: () => [], first: () => undefined, get: () => undefined };
    const gateway = { provideHistory: () => undefined, faces: () => undefined, broadcast: () => undefined };
    const cropper = {
      crop: async (image: BgrImage, box: Box) => {
        // What the real cropper reads: the region around the face.
        crops.push({ image, box });
        return { photo: Buffer.from(copyRegion(image, cropRegion(box, image.width, image.height)).data), thumbnail: Buffer.alloc(0) };
      },
    };
    const people = { create: async (name: string, photo: Buffer) => ({ person: { id: 1, name, photo } }) };
    live = new LiveFacesService(cameras as never, events, gateway as never, cropper as never, people as never);
    live.onModuleInit();
  });

  afterEach(() => live.onModuleDestroy());

  const box = { x: 100, y: 60, width: 40, height: 48 };
  /** Views are enrollable for a few seconds after they were seen: recent times. */
  const t0 = Date.now();

  it('holds the frame of a face in view, and lets go of it once a newer frame shows the face', () => {
    const first = frame(1);
    const second = frame(2);
    events.emit('frame.observed', observation('door', first, [{ trackId: 7, box }], t0));
    expect(first.holds()).toBe(1);
    events.emit('frame.observed', observation('door', second, [{ trackId: 7, box }], t0 + 100));
    expect(first.holds()).toBe(0);
    expect(second.holds()).toBe(1);
  });

  it('keeps only the region of a face that left: its frame is let go, and enrolling it crops the same pixels', async () => {
    const first = frame(3);
    events.emit('frame.observed', observation('door', first, [{ trackId: 7, box }], t0));
    const expected = copyRegion(first.image, cropRegion(box, WIDTH, HEIGHT)).data;
    // Face 7 left; face 8 is in view in the next frame.
    events.emit('frame.observed', observation('door', frame(4), [{ trackId: 8, box: { ...box, x: 10 } }], t0 + 100));
    expect(first.holds()).toBe(0);
    first.image.data.fill(0); // the pool writes a later frame into the buffer

    const person = (await live.enroll(7, 'Ada')) as unknown as { photo: Buffer };
    expect(crops[0].image.width).toBeLessThan(WIDTH);
    expect([...person.photo]).toEqual([...expected]);
  });

  it('a frame of another camera does not cut out this camera’s faces', () => {
    const door = frame(5);
    events.emit('frame.observed', observation('door', door, [{ trackId: 7, box }], t0));
    events.emit('frame.observed', observation('hall', frame(6), [{ trackId: 9, box }], t0 + 50));
    expect(door.holds()).toBe(1);
  });

  it('forgets a view after a while, and then refuses to enroll it', async () => {
    const first = frame(7);
    events.emit('frame.observed', observation('door', first, [{ trackId: 7, box }], t0));
    events.emit('frame.observed', observation('hall', frame(8), [], t0 + 60_000));
    expect(first.holds()).toBe(0);
    await expect(live.enroll(7, 'Ada')).rejects.toThrow(/not in view/);
  });
});
