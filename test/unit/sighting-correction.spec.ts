import { BadRequestException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { EventBus } from '../../src/events/event-bus';
import type { GalleryService } from '../../src/recognition/gallery.service';
import type { RecognitionService } from '../../src/recognition/recognition.service';
import { SightingCorrectionService } from '../../src/sightings/correction/sighting-correction.service';
import type { Sighting } from '../../src/sightings/sighting.entity';
import type { SightingsRepository } from '../../src/sightings/sightings.repository';
import type { SightingsService } from '../../src/sightings/sightings.service';
import type { StrangerFace, UnknownFacesService } from '../../src/unknown-faces/unknown-faces.service';

const MODEL = 'model-a';
const unit = (...values: number[]) => {
  const v = new Float32Array(values);
  const norm = Math.hypot(...values);
  return v.map((x) => x / norm);
};

/** The sightings table in memory. */
class FakeSightings {
  rows = new Map<number, Sighting>();
  async withEvidence(id: number) {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }
  async reassign(id: number, personId: number, personName: string) {
    const row = this.rows.get(id);
    if (!row) return false;
    Object.assign(row, { personId, personName });
    return true;
  }
  async delete(id: number) {
    return this.rows.delete(id);
  }
}

/** Two people, Ann (#1: samples 11, 12) and Bob (#2: sample 21). */
class FakeGallery {
  samples = [
    { sampleId: 11, personId: 1, embedding: unit(1, 0, 0) },
    { sampleId: 12, personId: 1, embedding: unit(0.6, 0.8, 0) },
    { sampleId: 21, personId: 2, embedding: unit(0, 0, 1) },
  ];
  nameOf(id: number) {
    return ({ 1: 'Ann', 2: 'Bob' } as Record<number, string>)[id];
  }
  nearestSampleOf(personId: number, embedding: Float32Array) {
    let best: { sampleId: number; personId: number; similarity: number } | undefined;
    for (const s of this.samples.filter((s) => s.personId === personId)) {
      const similarity = s.embedding.reduce((sum, x, i) => sum + x * embedding[i], 0);
      if (!best || similarity > best.similarity) best = { sampleId: s.sampleId, personId, similarity };
    }
    return best;
  }
}

function build() {
  const sightings = new FakeSightings();
  const released: number[] = [];
  const strangers: StrangerFace[] = [];
  const analysed: Buffer[] = [];
  const cropFace = { box: { x: 30, y: 30, width: 90, height: 100 }, embedding: unit(0.5, 0.85, 0.1) };
  const recognition = {
    engine: { modelId: MODEL },
    analyzePhoto: async (bytes: Buffer) => {
      analysed.push(bytes);
      return { width: 160, height: 160, faces: bytes.toString() === 'no face' ? [] : [cropFace] };
    },
  };
  const inbox = { addStranger: async (face: StrangerFace) => (strangers.push(face), 77) };
  const events = new EventBus();
  const emitted: unknown[] = [];
  events.on('sighting.changed').subscribe((payload) => emitted.push(payload));
  const service = new SightingCorrectionService(
    sightings as unknown as SightingsRepository,
    { release: (id: number) => released.push(id) } as unknown as SightingsService,
    new FakeGallery() as unknown as GalleryService,
    recognition as unknown as RecognitionService,
    inbox as unknown as UnknownFacesService,
    events,
  );
  const add = (row: Partial<Sighting> & { id: number }) =>
    sightings.rows.set(row.id, {
      personId: 1,
      personName: 'Ann',
      camera: 'door',
      firstSeen: 1000,
      lastSeen: 5000,
      bestConfidence: 90,
      ongoing: false,
      thumbnail: Buffer.from('crop'),
      embedding: unit(0.62, 0.78, 0),
      embeddingModelId: MODEL,
      ...row,
    });
  return { service, sightings, released, strangers, analysed, emitted, add, cropFace };
}

describe('SightingCorrectionService', () => {
  it('names the sample of the person named that is most like the face', async () => {
    const { service, add, analysed } = build();
    add({ id: 5 });
    const evidence = await service.evidence(5);
    expect(evidence).toMatchObject({ id: 5, personId: 1, personName: 'Ann', matchedSample: { personId: 1, sampleId: 12, thumbnailUrl: '/people/1/faces/12/thumbnail' } });
    expect(evidence.matchedSample!.similarity).toBeGreaterThan(0.99);
    expect(analysed).toEqual([]); // the kept embedding was used
  });

  it('embeds the crop again when the kept embedding is of another model, or missing', async () => {
    const { service, add, analysed } = build();
    add({ id: 5, embeddingModelId: 'model-b' });
    add({ id: 6, embedding: null, embeddingModelId: null });
    expect((await service.evidence(5)).matchedSample?.sampleId).toBe(12);
    expect((await service.evidence(6)).matchedSample?.sampleId).toBe(12);
    expect(analysed).toHaveLength(2);
    add({ id: 7, embedding: null, thumbnail: null });
    expect((await service.evidence(7)).matchedSample).toBeNull();
  });

  it('gives a sighting to another person: the row, an event, the recorder let go of it, and the culprit sample', async () => {
    const { service, sightings, add, released, emitted } = build();
    add({ id: 5, ongoing: true });
    const result = await service.reassign(5, { personId: 2 });
    expect(result.sighting).toMatchObject({ id: 5, personId: 2, personName: 'Bob' });
    expect(result.unknownFaceId).toBeNull();
    expect(result.matchedSample).toMatchObject({ personId: 1, sampleId: 12 });
    expect(sightings.rows.get(5)).toMatchObject({ personId: 2, personName: 'Bob' });
    expect(released).toEqual([5]);
    expect(emitted).toEqual([expect.objectContaining({ id: 5, personId: 2, personName: 'Bob' })]);
  });

  it('sends a sighting to the inbox with its crop and deletes it', async () => {
    const { service, sightings, add, strangers, released } = build();
    add({ id: 5 });
    const result = await service.reassign(5, { unknown: true });
    expect(result).toMatchObject({ sighting: null, unknownFaceId: 77, matchedSample: { sampleId: 12 } });
    expect(strangers).toEqual([
      expect.objectContaining({ camera: 'door', firstSeen: 1000, lastSeen: 5000, faceHeight: 100, photo: Buffer.from('crop'), thumbnail: Buffer.from('crop'), notPersonId: 1 }),
    ]);
    // The embedding from the full frame, not the one of the small crop.
    expect(Array.from(strangers[0].embedding)).toEqual(Array.from(unit(0.62, 0.78, 0)));
    expect(sightings.rows.has(5)).toBe(false);
    expect(released).toEqual([5]);
  });

  it('refuses bad corrections and changes nothing', async () => {
    const { service, sightings, add, strangers, released, emitted } = build();
    add({ id: 5 });
    add({ id: 6, thumbnail: Buffer.from('no face') });
    add({ id: 7, thumbnail: null });
    const before = JSON.stringify([...sightings.rows]);
    await expect(service.reassign(5, {})).rejects.toThrow(BadRequestException);
    await expect(service.reassign(5, { personId: 2, unknown: true })).rejects.toThrow(BadRequestException);
    await expect(service.reassign(5, { personId: 1 })).rejects.toThrow(/names person 1 already/);
    await expect(service.reassign(5, { personId: 9 })).rejects.toThrow(NotFoundException);
    await expect(service.reassign(99, { personId: 2 })).rejects.toThrow('sighting 99 not found');
    await expect(service.reassign(6, { unknown: true })).rejects.toThrow(UnprocessableEntityException);
    await expect(service.reassign(7, { unknown: true })).rejects.toThrow(/no face crop/);
    expect(JSON.stringify([...sightings.rows])).toBe(before);
    expect(strangers).toEqual([]);
    expect(released).toEqual([]);
    expect(emitted).toEqual([]);
  });
});
