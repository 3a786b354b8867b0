import { EventBus } from '../../src/events/event-bus';
import type { FaceCropper } from '../../src/live/face-cropper';
import type { PeopleService } from '../../src/people/people.service';
import { SampleSuggestionsService, SuggestionsOptions } from '../../src/people/suggestions/sample-suggestions.service';
import type { SampleSuggestion } from '../../src/people/suggestions/sample-suggestion.entity';
import type { RejectedView } from '../../src/people/suggestions/rejected-view.entity';
import { DEFAULT_SUGGESTION_POLICY, REJECTED_VIEWS_PER_PERSON } from '../../src/people/suggestions/suggestion-rules';
import type { NewSuggestion, SuggestionStore } from '../../src/people/suggestions/suggestion-store';
import type { Point } from '../../src/recognition/face.types';
import type { GalleryService } from '../../src/recognition/gallery.service';
import type { RecognitionService } from '../../src/recognition/recognition.service';
import type { FrameObservation } from '../../src/stream/stream.types';
import { HeldPixels } from '../support/held-pixels';
import { observationAt } from '../support/observations';

const AUTO = { ...DEFAULT_SUGGESTION_POLICY, autoAdd: { ...DEFAULT_SUGGESTION_POLICY.autoAdd, enabled: true } };

/** ArcFace's template scaled to a 120 px face at (100, 100): frontal. */
const LANDMARKS: Point[] = [
  [141, 155],
  [179, 155],
  [160, 177],
  [144, 199],
  [176, 199],
];

const pixels = new HeldPixels();

function frame(at: number, faces: Array<{ trackId: number; personId: number | null; embedding: Float32Array | null }>): FrameObservation {
  const width = 400;
  const height = 400;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251; // noise: plenty of detail
  const observed = faces.map((f) => ({
    trackId: f.trackId,
    box: { x: 100, y: 100, width: 120, height: 140 },
    landmarks: LANDMARKS,
    score: 0.9,
    personId: f.personId,
    name: f.personId === null ? 'Unknown' : 'Ann',
    similarity: 0.45,
    confidence: 90,
  }));
  return observationAt(at, observed, { image: { width, height, data }, embeddings: faces.map((f) => f.embedding), hold: pixels.hold });
}

class MemoryStore implements SuggestionStore {
  rows: SampleSuggestion[] = [];
  rejected: RejectedView[] = [];
  private next = 1;
  async listOf(personId: number) {
    return this.rows.filter((r) => r.personId === personId);
  }
  async insertBounded(s: NewSuggestion, max: number, replacing?: number) {
    if (replacing !== undefined) this.rows = this.rows.filter((r) => r.id !== replacing);
    const id = this.next++;
    this.rows.push({ ...s, id });
    const mine = this.rows.filter((r) => r.personId === s.personId);
    const dropped = new Set(mine.slice(0, Math.max(0, mine.length - max)).map((r) => r.id));
    this.rows = this.rows.filter((r) => !dropped.has(r.id));
    return id;
  }
  async withPhoto(personId: number, id: number) {
    return this.rows.find((r) => r.id === id && r.personId === personId) ?? null;
  }
  async thumbnail(personId: number, id: number) {
    return (await this.withPhoto(personId, id))?.thumbnail ?? null;
  }
  async delete(personId: number, id: number) {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !(r.id === id && r.personId === personId));
    return this.rows.length < before;
  }
  async exportOf(personId: number) {
    return this.listOf(personId);
  }
  async reject(personId: number, id: number, rejectedAt: number, keep: number) {
    const row = this.rows.find((r) => r.id === id && r.personId === personId);
    if (!row) return false;
    this.rows = this.rows.filter((r) => r !== row);
    this.rejected.push({ id: this.next++, personId, camera: row.camera, seenAt: row.seenAt, rejectedAt, modelId: row.modelId, embedding: row.embedding });
    const mine = this.rejected.filter((r) => r.personId === personId);
    const dropped = new Set(mine.slice(0, Math.max(0, mine.length - keep)));
    this.rejected = this.rejected.filter((r) => !dropped.has(r));
    return true;
  }
  async rejectedOf(personId: number) {
    return this.rejected.filter((r) => r.personId === personId);
  }
  async forgetRejected(personId: number) {
    const before = this.rejected.length;
    this.rejected = this.rejected.filter((r) => r.personId !== personId);
    return before - this.rejected.length;
  }
}

function build(options: Partial<SuggestionsOptions> = {}, nearest = 0.45) {
  const store = new MemoryStore();
  const added: Array<{ personId: number; photo: Uint8Array }> = [];
  const samples = [{ id: 1 }];
  const people = {
    findOne: async (id: number) => {
      if (id !== 1) throw new Error('not found');
      return { id, name: 'Ann', samples };
    },
    addFace: async (personId: number, photo: Uint8Array) => {
      added.push({ personId, photo });
      samples.push({ id: samples.length + 1 });
      return { person: { id: personId }, chosen: {} };
    },
  };
  const gallery = {
    nearestSampleOf: (personId: number) => (personId === 1 ? { sampleId: 1, personId, similarity: nearest } : undefined),
    runnerUpTo: () => 0.05,
  };
  const recognition = { matchPolicy: { threshold: 0.23, margin: 0.05 }, engine: { modelId: 'm' } };
  let crops = 0;
  const cropper = { crop: async () => ({ photo: Buffer.from(`photo-${++crops}`), thumbnail: Buffer.from('thumb') }) };
  const events = new EventBus();
  const clock = { now: 5_000_000 };
  const service = new SampleSuggestionsService(
    store,
    people as unknown as PeopleService,
    gallery as unknown as GalleryService,
    recognition as unknown as RecognitionService,
    cropper as unknown as FaceCropper,
    events,
    { policy: DEFAULT_SUGGESTION_POLICY, maxPerPerson: 3, trackEveryMs: 2000, ...options },
    () => clock.now,
  );
  service.onApplicationBootstrap();
  return { service, store, added, events, recognition, clock };
}

const vector = (...values: number[]) => new Float32Array(values);

/** Waits for the views judged so far, and keeps listening (onModuleDestroy alone stops). */
async function settle(service: SampleSuggestionsService): Promise<void> {
  await service.onModuleDestroy();
  service.onApplicationBootstrap();
}

describe('SampleSuggestionsService', () => {
  it('keeps a good, new view of a named face as a suggestion; ignores Unknown and faces not embedded this frame', async () => {
    const { service, store, events } = build();
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }, { trackId: 2, personId: null, embedding: vector(0, 1) }, { trackId: 3, personId: 1, embedding: null }]));
    await service.onModuleDestroy();
    expect(store.rows).toEqual([expect.objectContaining({ personId: 1, camera: 'door', seenAt: 1000, similarity: 0.45, modelId: 'm', photo: Buffer.from('photo-1') })]);
    expect(store.rows[0].quality.overall).toBeGreaterThanOrEqual(DEFAULT_SUGGESTION_POLICY.minQuality);
    // The frame's pixels were held for the view judged and let go once it was cropped.
    expect(pixels.taken).toBeGreaterThan(0);
    expect(pixels.out).toBe(0);
  });

  it('judges a track at most every trackEveryMs, keeps one of near-identical views, and drops the oldest beyond the bound', async () => {
    const { service, store, events } = build();
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0, 0, 0) }]));
    events.emit('frame.observed', frame(1500, [{ trackId: 1, personId: 1, embedding: vector(0, 1, 0, 0) }])); // too soon
    events.emit('frame.observed', frame(1600, [{ trackId: 2, personId: 1, embedding: vector(1, 0, 0, 0) }])); // the same view again
    for (const [i, trackId] of [3, 4, 5].entries()) {
      const e = new Float32Array(4);
      e[i + 1] = 1;
      events.emit('frame.observed', frame(2000 + i, [{ trackId, personId: 1, embedding: e }]));
    }
    await service.onModuleDestroy();
    expect(store.rows.map((r) => Array.from(r.embedding).indexOf(1))).toEqual([1, 2, 3]);
  });

  it('with AUTO_ADD_SAMPLES, adds a clear view through enrollment instead of suggesting it', async () => {
    const { service, store, added, events } = build({ policy: { ...DEFAULT_SUGGESTION_POLICY, autoAdd: { ...DEFAULT_SUGGESTION_POLICY.autoAdd, enabled: true } } });
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }]));
    await service.onModuleDestroy();
    expect(added).toEqual([{ personId: 1, photo: Buffer.from('photo-1') }]);
    expect(store.rows).toEqual([]);
  });

  it('suggests nothing for a view just like a sample', async () => {
    const { service, store, events } = build({}, 0.8);
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }]));
    await service.onModuleDestroy();
    expect(store.rows).toEqual([]);
  });

  it('accepts a suggestion as a sample, rejects one as not this person, and says 404 for another person’s', async () => {
    const { service, store, added, events } = build();
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }]));
    events.emit('frame.observed', frame(1001, [{ trackId: 2, personId: 1, embedding: vector(0, 1) }]));
    await service.onModuleDestroy();
    const [first, second] = store.rows;
    await expect(service.accept(2, first.id)).rejects.toThrow(/not found/);
    await service.accept(1, first.id);
    expect(added).toEqual([{ personId: 1, photo: Buffer.from('photo-1') }]);
    await service.reject(1, second.id);
    expect(store.rows).toEqual([]);
    await expect(service.reject(1, second.id)).rejects.toThrow(`suggestion ${second.id} of person 1 not found`);
    await expect(service.reject(2, first.id)).rejects.toThrow(/not found/);
    expect(store.rejected).toHaveLength(1);
  });

  it('remembers "not this person": the same view is not suggested again, another view still is', async () => {
    const { service, store, events } = build();
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0, 0) }]));
    await settle(service);
    const [suggestion] = store.rows;
    await service.reject(1, suggestion.id);
    // Only the embedding is kept (with where, when seen and when rejected), no picture.
    expect(store.rejected).toEqual([{ id: expect.any(Number), personId: 1, camera: 'door', seenAt: 1000, rejectedAt: 5_000_000, modelId: 'm', embedding: vector(1, 0, 0) }]);
    // The same face seen again on the same track (0.99 like the rejected view), and on a new one.
    events.emit('frame.observed', frame(4000, [{ trackId: 1, personId: 1, embedding: vector(0.99, 0.141, 0) }]));
    events.emit('frame.observed', frame(4001, [{ trackId: 2, personId: 1, embedding: vector(1, 0, 0) }]));
    await settle(service);
    expect(store.rows).toEqual([]);
    // Another view (0 like it) is suggested as before.
    events.emit('frame.observed', frame(7000, [{ trackId: 1, personId: 1, embedding: vector(0, 1, 0) }]));
    await settle(service);
    expect(store.rows.map((r) => Array.from(r.embedding))).toEqual([[0, 1, 0]]);
  });

  it('forgets the rejections on request (the undo): the view can be suggested again; 404 for nobody', async () => {
    const { service, store, events } = build();
    store.rejected.push({ id: 99, personId: 1, camera: 'door', seenAt: 1, rejectedAt: 2, modelId: 'm', embedding: vector(1, 0) });
    store.rejected.push({ id: 98, personId: 2, camera: 'door', seenAt: 1, rejectedAt: 2, modelId: 'm', embedding: vector(1, 0) });
    await expect(service.forgetRejections(7)).rejects.toThrow(/not found/);
    expect(store.rejected).toHaveLength(2);
    await service.forgetRejections(1);
    expect(store.rejected.map((r) => r.personId)).toEqual([2]);
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }]));
    await settle(service);
    expect(store.rows).toHaveLength(1);
  });

  it('with AUTO_ADD_SAMPLES, never adds a view like a rejected one', async () => {
    const { service, store, added, events } = build({ policy: AUTO });
    store.rejected.push({ id: 99, personId: 1, camera: 'door', seenAt: 1, rejectedAt: 2, modelId: 'm', embedding: vector(1, 0) });
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }]));
    await settle(service);
    expect(added).toEqual([]);
    expect(store.rows).toEqual([]);
    // Another view is added as before.
    events.emit('frame.observed', frame(4000, [{ trackId: 1, personId: 1, embedding: vector(0, 1) }]));
    await settle(service);
    expect(added).toHaveLength(1);
  });

  it('compares only with views rejected under the model in use', async () => {
    const { service, store, events } = build();
    store.rejected.push({ id: 99, personId: 1, camera: 'door', seenAt: 1, rejectedAt: 2, modelId: 'another-model', embedding: vector(1, 0) });
    events.emit('frame.observed', frame(1000, [{ trackId: 1, personId: 1, embedding: vector(1, 0) }]));
    await service.onModuleDestroy();
    expect(store.rows).toHaveLength(1);
  });

  it('keeps the newest rejected views up to the bound', async () => {
    const { service, store, events, clock } = build({ maxPerPerson: REJECTED_VIEWS_PER_PERSON + 5 });
    const views = REJECTED_VIEWS_PER_PERSON + 2;
    for (let i = 0; i < views; i++) {
      const e = new Float32Array(views);
      e[i] = 1;
      events.emit('frame.observed', frame(1000 + i, [{ trackId: 100 + i, personId: 1, embedding: e }]));
    }
    await service.onModuleDestroy();
    for (const [i, row] of [...store.rows].entries()) {
      clock.now = 10_000 + i;
      await service.reject(1, row.id);
    }
    expect(store.rejected).toHaveLength(REJECTED_VIEWS_PER_PERSON);
    expect(store.rejected[0].rejectedAt).toBe(10_002);
  });
});
