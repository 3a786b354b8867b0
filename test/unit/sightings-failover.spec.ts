import { Test } from '@nestjs/testing';
import type { AppEvents } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';
import { FaceCropper } from '../../src/live/face-cropper';
import type { Sighting } from '../../src/sightings/sighting.entity';
import { SightingsRepository } from '../../src/sightings/sightings.repository';
import { SIGHTINGS_OPTIONS, SightingsService } from '../../src/sightings/sightings.service';
import type { FrameObservation } from '../../src/stream/stream.types';
import { HeldPixels } from '../support/held-pixels';
import { observationAt } from '../support/observations';

const END_AFTER = 1000;
/** The longest failover the lease keeper passes (ttl + 2 × renew). */
const FAILOVER = 16_000;

type Row = Pick<Sighting, 'id' | 'personId' | 'personName' | 'camera' | 'firstSeen' | 'lastSeen' | 'bestConfidence' | 'ongoing'>;

/** The sightings table in memory, shared by two "nodes" as the database would be. */
class SharedSightings {
  rows = new Map<number, Row>();
  private nextId = 1;
  endedAtStart = 0;
  async endAllOngoing() {
    this.endedAtStart++;
    for (const row of this.rows.values()) row.ongoing = false;
  }
  async insert(row: Omit<Row, 'id'>) {
    const id = this.nextId++;
    this.rows.set(id, { ...row, id });
    return id;
  }
  async progress(update: Pick<Row, 'id' | 'personName' | 'lastSeen' | 'bestConfidence' | 'ongoing'>) {
    Object.assign(this.rows.get(update.id)!, update);
  }
  async setThumbnail() {}
  async ongoingOf(camera: string) {
    return [...this.rows.values()].filter((row) => row.camera === camera && row.ongoing).sort((a, b) => a.lastSeen - b.lastSeen);
  }
  async end(id: number) {
    this.rows.get(id)!.ongoing = false;
  }
}

const pixels = new HeldPixels();

function frame(at: number, camera: string, ...people: number[]): FrameObservation {
  const faces = people.map((personId) => ({
    trackId: personId,
    box: { x: 0, y: 0, width: 60, height: 60 },
    landmarks: [],
    score: 0.9,
    personId,
    name: `person ${personId}`,
    similarity: 0.6,
    confidence: 95,
  }));
  return { ...observationAt(at, faces, { hold: pixels.hold }), camera };
}

/** One node's recorder on the shared table (several nodes: it does not end the others' sightings at start). */
async function node(table: SharedSightings) {
  const module = await Test.createTestingModule({
    providers: [
      SightingsService,
      EventBus,
      { provide: SightingsRepository, useValue: table },
      { provide: FaceCropper, useValue: { crop: async () => ({ photo: Buffer.from('p'), thumbnail: Buffer.from('t') }) } },
      { provide: SIGHTINGS_OPTIONS, useValue: { endAfterMs: END_AFTER, flushEveryMs: 60_000, betterViewBy: 5, endOngoingAtStart: false } },
    ],
  }).compile();
  await module.init();
  const announced: Array<AppEvents['sighting.changed']> = [];
  module.get(EventBus).on('sighting.changed').subscribe((event) => announced.push(event));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { service: module.get(SightingsService), events: module.get(EventBus), module, announced, settle };
}

describe('SightingsService across a camera failover', () => {
  it('a node taking a camera over continues the sighting the dead node left open: one row, not two', async () => {
    const table = new SharedSightings();
    const a = await node(table);
    const b = await node(table);
    expect(table.endedAtStart).toBe(0);
    a.events.emit('frame.observed', frame(10_000, 'door', 3));
    await a.settle();
    // Node a dies (no end written); the camera runs again on b 12 s later, the person still there.
    await b.service.continueOpen('door', FAILOVER, 22_000);
    b.events.emit('frame.observed', frame(22_500, 'door', 3));
    b.events.emit('frame.observed', frame(30_000, 'door')); // gone: the appearance ends
    await b.settle();
    expect([...table.rows.values()]).toEqual([expect.objectContaining({ id: 1, personId: 3, firstSeen: 10_000, lastSeen: 22_500, ongoing: false })]);
    expect(b.announced.map((event) => `${event.id} ${event.ongoing ? 'on' : 'ended'}`)).toEqual(['1 ended']);
  });

  it('ends what is too old to be the same appearance, and what the person never came back to', async () => {
    const table = new SharedSightings();
    const a = await node(table);
    a.events.emit('frame.observed', frame(10_000, 'door', 3, 4));
    a.events.emit('frame.observed', frame(10_000, 'hall', 5));
    await a.settle();
    const b = await node(table);
    // Seen 10 s before the takeover: continued for now; but nobody is seen again.
    await b.service.continueOpen('door', FAILOVER, 20_000);
    expect([...table.rows.values()].filter((row) => row.ongoing).map((row) => row.personId)).toEqual([3, 4, 5]);
    b.events.emit('frame.observed', frame(20_000 + END_AFTER, 'door'));
    await b.settle();
    expect([...table.rows.values()].filter((row) => row.ongoing).map((row) => row.camera)).toEqual(['hall']);
    // Long after: beyond the longest failover, ended at once, not continued.
    await b.service.continueOpen('hall', FAILOVER, 10_000 + FAILOVER + END_AFTER + 1);
    expect([...table.rows.values()].filter((row) => row.ongoing)).toEqual([]);
    expect(table.rows.get(3)!.lastSeen).toBe(10_000);
  });

  it('a node handing a camera over writes its open sightings as they stand and leaves them open for the next node', async () => {
    const table = new SharedSightings();
    const a = await node(table);
    a.events.emit('frame.observed', frame(10_000, 'door', 3));
    a.events.emit('frame.observed', frame(10_400, 'door', 3));
    await a.settle();
    await a.service.handOver('door');
    expect(table.rows.get(1)).toMatchObject({ lastSeen: 10_400, ongoing: true });
    // Nothing ends it on a afterwards (not even a's shutdown): b does.
    a.events.emit('frame.observed', frame(20_000, 'door'));
    await a.module.close();
    expect(table.rows.get(1)!.ongoing).toBe(true);
    const b = await node(table);
    await b.service.continueOpen('door', FAILOVER, 11_000);
    b.events.emit('frame.observed', frame(11_100, 'door', 3));
    await b.module.close();
    expect([...table.rows.values()]).toEqual([expect.objectContaining({ id: 1, lastSeen: 11_100, ongoing: false })]);
  });
});
