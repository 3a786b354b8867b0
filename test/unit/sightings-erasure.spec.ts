import { Test } from '@nestjs/testing';
import type { AppEvents } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';
import { PersonErasures } from '../../src/events/person-erasures';
import { FaceCrop, FaceCropper } from '../../src/live/face-cropper';
import { SightingsRepository } from '../../src/sightings/sightings.repository';
import { SIGHTINGS_OPTIONS, SightingsService } from '../../src/sightings/sightings.service';
import type { FrameObservation } from '../../src/stream/stream.types';
import { HeldPixels } from '../support/held-pixels';
import { observationAt } from '../support/observations';

/** The sightings table in memory: what was inserted and deleted, in order. */
class MemorySightings {
  rows = new Map<number, { personId: number }>();
  journal: string[] = [];
  private nextId = 1;
  async endAllOngoing() {}
  async insert(row: { personId: number }) {
    const id = this.nextId++;
    this.rows.set(id, row);
    this.journal.push(`insert #${row.personId}`);
    return id;
  }
  async progress() {}
  async setThumbnail() {}
  async deleteOfPerson(personId: number) {
    let n = 0;
    for (const [id, row] of this.rows) if (row.personId === personId && this.rows.delete(id)) n++;
    this.journal.push(`delete #${personId}: ${n}`);
    return n;
  }
}

const pixels = new HeldPixels();

function frame(at: number, ...people: Array<[personId: number, trackId: number]>): FrameObservation {
  const faces = people.map(([personId, trackId]) => ({
    trackId,
    box: { x: 0, y: 0, width: 60, height: 60 },
    landmarks: [],
    score: 0.9,
    personId,
    name: `person ${personId}`,
    similarity: 0.6,
    confidence: 95,
  }));
  return observationAt(at, faces, { hold: pixels.hold });
}

/** The recorder with the in-memory table, its module started. */
async function buildSightings(crop: () => Promise<FaceCrop> = async () => ({ photo: Buffer.from('p'), thumbnail: Buffer.from('t') })) {
  const repository = new MemorySightings();
  const progress: number[] = [];
  repository.progress = async (update?: { id: number }) => void progress.push(update!.id);
  const module = await Test.createTestingModule({
    providers: [
      SightingsService,
      EventBus,
      PersonErasures,
      { provide: SightingsRepository, useValue: repository },
      { provide: FaceCropper, useValue: { crop } },
      { provide: SIGHTINGS_OPTIONS, useValue: { endAfterMs: 1000, flushEveryMs: 60_000, betterViewBy: 5 } },
    ],
  }).compile();
  await module.init();
  return { repository, progress, module, service: module.get(SightingsService), events: module.get(EventBus), erasures: module.get(PersonErasures) };
}
describe('SightingsService when a person is erased', () => {
  it('records nothing more of them, announces nothing, and deletes what was queued before the erasure', async () => {
    const { repository, module, events } = await buildSightings();
    const announced: Array<AppEvents['sighting.changed']> = [];
    events.on('sighting.changed').subscribe((event) => announced.push(event));

    events.emit('frame.observed', frame(1000, [3, 1], [4, 2])); // both start an appearance: inserts queued
    events.emit('person.changed', { personId: 3, name: 'person 3', change: 'removed' }); // before the inserts ran
    events.emit('frame.observed', frame(1100, [3, 1], [4, 2])); // a frame recognised before the gallery forgot them
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    events.emit('frame.observed', frame(5000)); // both appearances would end now
    await settle();
    await module.close();

    expect([...repository.rows.values()].map((row) => row.personId)).toEqual([4]);
    expect(repository.journal).toEqual(['insert #4', 'delete #3: 0']);
    expect(announced.map((event) => `${event.personName} ${event.ongoing ? 'started' : 'ended'}`)).toEqual(['person 4 started', 'person 4 ended']);
    // The frame's pixels were held for each crop queued (also the one skipped for the erased person), and all let go.
    expect(pixels.taken).toBe(2);
    expect(pixels.out).toBe(0);
  });
});

describe('SightingsService and the answer to an erasure', () => {
  it('lets the erasure be answered only after a row already on its way for the person is deleted', async () => {
    let cropDone!: () => void;
    const slowCrop = () => new Promise<{ photo: Buffer; thumbnail: Buffer }>((resolve) => (cropDone = () => resolve({ photo: Buffer.from('p'), thumbnail: Buffer.from('t') })));
    const { repository, module, events, erasures } = await buildSightings(slowCrop);
    events.emit('frame.observed', frame(1000, [3, 1])); // the insert is waiting for its crop: past the erasure check
    await new Promise((resolve) => setImmediate(resolve));
    events.emit('person.changed', { personId: 3, name: 'person 3', change: 'removed' });
    let settled = false;
    const answer = erasures.settle(3).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false); // the row is still to come
    cropDone();
    await answer;
    expect(repository.journal).toEqual(['insert #3', 'delete #3: 1']);
    expect(repository.rows.size).toBe(0);
    await module.close();
  });

  it('cleans up once however it hears of the erasure (event and follower), and a failure is logged, not thrown', async () => {
    const { repository, module, events, erasures } = await buildSightings();
    events.emit('person.changed', { personId: 5, name: 'person 5', change: 'removed' });
    await erasures.settle(5);
    expect(repository.journal).toEqual(['delete #5: 0']);
    repository.deleteOfPerson = async () => {
      throw new Error('disk full');
    };
    await expect(erasures.settle(6)).resolves.toBeUndefined();
    await module.close();
  });
});

describe('SightingsService and corrections', () => {

  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('keeps the embedding of the face in the crop when that frame embedded it', async () => {
    const { repository, module, events } = await buildSightings();
    const embedding = new Float32Array([0.6, 0.8]);
    events.emit('frame.observed', { ...frame(1000, [3, 1], [4, 2]), embeddings: [embedding, null] });
    await settle();
    await module.close();
    const rows = [...repository.rows.values()] as Array<{ personId: number; embedding?: Float32Array }>;
    expect(rows.find((row) => row.personId === 3)?.embedding).toBe(embedding);
    expect(rows.find((row) => row.personId === 4)?.embedding).toBeUndefined();
  });

  it('stops writing to a row that was corrected while the person is still in view, without opening another', async () => {
    const { repository, progress, module, service, events } = await buildSightings();
    events.emit('frame.observed', frame(1000, [3, 1]));
    await settle();
    const [rowId] = [...repository.rows.keys()];
    service.release(rowId);
    events.emit('frame.observed', frame(1500, [3, 1])); // still named by the recogniser
    events.emit('frame.observed', frame(5000)); // the appearance ends
    await settle();
    await module.close();
    expect(progress).toEqual([]); // no update, no end written to the corrected row
    expect(repository.rows.size).toBe(1);
  });
});
