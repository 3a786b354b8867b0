import { Test } from '@nestjs/testing';
import { Subject } from 'rxjs';
import { EventBus } from '../../src/events/event-bus';
import { FaceCropper } from '../../src/live/face-cropper';
import { PeopleService } from '../../src/people/people.service';
import { GalleryService } from '../../src/recognition/gallery.service';
import { RecognitionService } from '../../src/recognition/recognition.service';
import { HeldPixels } from '../support/held-pixels';
import type { FrameObservation } from '../../src/stream/stream.types';
import { inboxPolicyOf, UNKNOWN_INBOX_POLICY } from '../../src/unknown-faces/unknown-inbox-policy';
import { UnknownFacesRepository } from '../../src/unknown-faces/unknown-faces.repository';
import { UNKNOWN_FACES_OPTIONS, UnknownFacesService } from '../../src/unknown-faces/unknown-faces.service';

const cameras = new Map([
  ['door', { unknownInbox: true }],
  ['hall', {}],
  ['yard', { unknownInbox: false }],
]);

describe('inboxPolicyOf', () => {
  it('keeps strangers unless the camera says unknownInbox: false (or is gone)', () => {
    const policy = inboxPolicyOf((camera) => cameras.get(camera));
    expect(['door', 'hall', 'yard', 'gone'].map((camera) => policy.keepsStrangersFrom(camera))).toEqual([true, true, false, false]);
  });
});

describe('UnknownFacesService with a camera that keeps no strangers', () => {
  it('adds inbox entries from the other cameras only', async () => {
    const inserted: Array<{ camera: string }> = [];
    const module = await Test.createTestingModule({
      providers: [
        UnknownFacesService,
        EventBus,
        {
          provide: UnknownFacesRepository,
          useValue: { groupsOf: async () => [], insert: async (row: { camera: string }) => inserted.push(row) },
        },
        { provide: RecognitionService, useValue: { engine: { modelId: 'm' }, policyForGallery: () => ({ threshold: 0.5 }) } },
        { provide: GalleryService, useValue: { changes$: new Subject<void>() } },
        { provide: FaceCropper, useValue: { crop: async () => ({ photo: Buffer.from('p'), thumbnail: Buffer.from('t') }) } },
        { provide: PeopleService, useValue: {} },
        { provide: UNKNOWN_FACES_OPTIONS, useValue: { afterMs: 0, minFacePx: 10 } },
        { provide: UNKNOWN_INBOX_POLICY, useValue: inboxPolicyOf((camera) => cameras.get(camera)) },
      ],
    }).compile();
    await module.init();
    const events = module.get(EventBus);
    // A different stranger on each camera (orthogonal embeddings: never grouped together).
    ['door', 'hall', 'yard'].forEach((camera, i) => {
      const embedding = new Float32Array(3);
      embedding[i] = 1;
      events.emit('frame.observed', observation(camera, 100 + i, embedding));
    });
    await module.close(); // waits for the queued writes
    expect(inserted.map((row) => row.camera)).toEqual(['door', 'hall']);
    // Each kept face held its frame's pixels until it was cropped.
    expect(pixels.taken).toBeGreaterThanOrEqual(2);
    expect(pixels.out).toBe(0);
  });
});

describe('UnknownFacesService with a face an admin said is not someone', () => {
  it('keeps it in the inbox while the gallery still names it after that person, resolves it when it names someone else', async () => {
    const deleted: number[] = [];
    const takenElsewhere = new Set<number>();
    const forgotten: number[] = [];
    let nextId = 1;
    const changes = new Subject<void>();
    let namedAfter = 1;
    const module = await Test.createTestingModule({
      providers: [
        UnknownFacesService,
        EventBus,
        {
          provide: UnknownFacesRepository,
          useValue: {
            groupsOf: async () => [],
            insert: async () => nextId++,
            // An entry another node sharing the store deleted first is not deleted here.
            delete: async (id: number) => (deleted.push(id), !takenElsewhere.has(id)),
            forgetPerson: async (id: number) => void forgotten.push(id),
          },
        },
        { provide: RecognitionService, useValue: { engine: { modelId: 'm' }, matchPolicy: { threshold: 0.3, margin: 0.05 } } },
        { provide: GalleryService, useValue: { changes$: changes, match: () => ({ personId: namedAfter, name: 'X' }) } },
        { provide: FaceCropper, useValue: {} },
        { provide: PeopleService, useValue: {} },
        { provide: UNKNOWN_FACES_OPTIONS, useValue: { afterMs: 0, minFacePx: 10 } },
        { provide: UNKNOWN_INBOX_POLICY, useValue: inboxPolicyOf(() => ({})) },
      ],
    }).compile();
    await module.init();
    const inbox = module.get(UnknownFacesService);
    const told: unknown[] = [];
    module.get(EventBus).on('unknown-face.changed').subscribe((change) => told.push(change));
    const face = { camera: 'door', firstSeen: 1, lastSeen: 2, embedding: new Float32Array([1, 0]), faceHeight: 80, photo: Buffer.from('p'), thumbnail: Buffer.from('t') };
    const wronglyAnn = await inbox.addStranger({ ...face, notPersonId: 1 });
    const wronglyBob = await inbox.addStranger({ ...face, notPersonId: 2 });
    changes.next(); // the gallery changed: entries it now names are resolved
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the debounce
    expect(deleted).toEqual([wronglyBob]);
    namedAfter = 3; // someone else was enrolled, who this face really is (on another node, which resolved the entry first)
    takenElsewhere.add(wronglyAnn);
    changes.next();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(deleted).toEqual([wronglyBob, wronglyAnn]);
    // Only the removal made here is announced: the other node's clients and ours hear of Ann's from that node, once.
    expect(told.filter((change) => (change as { change: string }).change === 'removed')).toEqual([{ id: wronglyBob, change: 'removed' }]);
    // Erasing a person clears their id from the inbox too.
    module.get(EventBus).emit('person.changed', { personId: 1, name: 'Ann', change: 'removed' });
    await module.close();
    expect(forgotten).toEqual([1]);
  });
});

const pixels = new HeldPixels();

function observation(camera: string, trackId: number, embedding: Float32Array): FrameObservation {
  return {
    camera,
    frameIndex: 1,
    capturedAt: 1000,
    recognizedAt: 1000,
    inferenceMs: 1,
    detectMs: 1,
    embedMs: 1,
    matchingMs: 0,
    faces: [{ trackId, box: { x: 0, y: 0, width: 80, height: 80 }, landmarks: [], score: 0.9, personId: null, name: 'Unknown', similarity: 0, confidence: 0 }],
    image: { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) },
    embeddings: [embedding],
    hold: pixels.hold,
  };
}
