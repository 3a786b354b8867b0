import { SUGGESTION_STORE } from '../../src/people/suggestions/suggestion-store';
import { Logger, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { CLOCK } from '../../src/common/clock';
import type { AppEvents } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';
import { PersonExportService } from '../../src/people/export/person-export.service';
import { PeopleRepository } from '../../src/people/people.repository';
import { PeopleService } from '../../src/people/people.service';
import { PERSON_TRACES, PersonSightingRecord } from '../../src/people/person-traces';
import { PhotoStore, SampleFiles } from '../../src/people/storage/photo-store';
import { UploadedPhotoAnalyzer } from '../../src/people/upload/uploaded-photo-analyzer';
import { GalleryService } from '../../src/recognition/gallery.service';
import { RecognitionService } from '../../src/recognition/recognition.service';

const PHOTO = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa.jpg';
const THUMB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb.jpg';
const PHOTO2 = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc.png';
const THUMB2 = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd.jpg';

const person = () => ({
  id: 3,
  name: 'Grace Hopper',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
  samples: [
    { id: 7, photoFile: PHOTO, thumbnailFile: THUMB, modelId: 'm1', box: { x: 1, y: 2, width: 50, height: 60 }, photoSha256: 'ab'.repeat(32), embedding: new Float32Array([0.5, -1]), createdAt: new Date('2026-01-01T00:00:00Z') },
    { id: 8, photoFile: PHOTO2, thumbnailFile: THUMB2, modelId: 'm1', box: { x: 0, y: 0, width: 40, height: 40 }, photoSha256: 'cd'.repeat(32), embedding: new Float32Array([1, 0]), createdAt: new Date('2026-01-02T00:00:00Z') },
  ],
});

/** Everything the fakes did, in order. */
const journal: string[] = [];

class FakePeopleRepository {
  people = new Map([[3, person()]]);
  async deletePerson(id: number) {
    journal.push(`delete rows of #${id}`);
    const found = this.people.get(id);
    if (!found) return null;
    this.people.delete(id);
    return { person: found, sightings: 4 };
  }
  async findOne(id: number) {
    return this.people.get(id) ?? null;
  }
}

class FakePhotoStore {
  files = new Map<string, Buffer>([
    [PHOTO, Buffer.from('photo-1')],
    [THUMB, Buffer.from('thumb-1')],
    [THUMB2, Buffer.from('thumb-2')],
  ]);
  failOn = new Set<string>();
  async removeSample(files: SampleFiles) {
    journal.push(`delete files ${files.photo.slice(0, 1)}`);
    if (this.failOn.has(files.photo)) throw new Error('EACCES: permission denied');
    this.files.delete(files.photo);
    this.files.delete(files.thumbnail);
  }
  async readPhoto(name: string) {
    return this.read(name);
  }
  async readThumbnail(name: string) {
    return this.read(name);
  }
  private read(name: string): Buffer {
    const bytes = this.files.get(name);
    if (!bytes) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return bytes;
  }
}

const sightings: PersonSightingRecord[] = [
  { id: 20, camera: 'door', personName: 'Grace', firstSeen: Date.parse('2026-02-01T10:00:00Z'), lastSeen: Date.parse('2026-02-01T10:00:05Z'), bestConfidence: 91.26, crop: Buffer.from('crop'), embedding: new Float32Array([0.5, -1]) },
  { id: 21, camera: 'yard', personName: 'Grace Hopper', firstSeen: Date.parse('2026-02-02T10:00:00Z'), lastSeen: Date.parse('2026-02-02T10:01:00Z'), bestConfidence: 88, crop: null, embedding: null },
];

const suggestions = [
  {
    id: 4,
    personId: 3,
    camera: 'door',
    seenAt: Date.parse('2026-02-03T10:00:00Z'),
    similarity: 0.42,
    quality: { size: 1, sharpness: 0.9, pose: 0.8, overall: 0.8 },
    modelId: 'm1',
    embedding: new Float32Array([1, 0]),
    photo: Buffer.from('suggested'),
    thumbnail: Buffer.from('t'),
  },
];

const rejectedViews = [
  { id: 5, personId: 3, camera: 'yard', seenAt: Date.parse('2026-02-03T09:00:00Z'), rejectedAt: Date.parse('2026-02-03T09:05:00Z'), modelId: 'm1', embedding: new Float32Array([0, 1]) },
];

async function build() {
  journal.length = 0;
  const repository = new FakePeopleRepository();
  const photos = new FakePhotoStore();
  const gallery = { removePerson: (id: number) => journal.push(`gallery forgets #${id}`) };
  const traces = { eraseIn: async () => 0, listOf: async (id: number) => (id === 3 ? sightings : []) };
  const module = await Test.createTestingModule({
    providers: [
      PeopleService,
      PersonExportService,
      EventBus,
      { provide: PeopleRepository, useValue: repository },
      { provide: PhotoStore, useValue: photos },
      { provide: GalleryService, useValue: gallery },
      { provide: RecognitionService, useValue: {} },
      { provide: UploadedPhotoAnalyzer, useValue: {} },
      { provide: ConfigService, useValue: { get: () => 40 } },
      { provide: PERSON_TRACES, useValue: traces },
      { provide: CLOCK, useValue: () => Date.parse('2026-03-01T00:00:00Z') },
      { provide: SUGGESTION_STORE, useValue: { exportOf: async (id: number) => (id === 3 ? suggestions : []), rejectedOf: async (id: number) => (id === 3 ? rejectedViews : []) } },
    ],
  }).compile();
  module.get(EventBus).on('person.changed').subscribe((event: AppEvents['person.changed']) => journal.push(`event ${event.change} #${event.personId} ${event.name}`));
  return { module, people: module.get(PeopleService), exports: module.get(PersonExportService), repository, photos };
}

describe('PeopleService.remove (erasure)', () => {
  it('deletes the rows, then the gallery entry, announces it, then deletes every file', async () => {
    const t = await build();
    await t.people.remove(3);
    expect(journal).toEqual([
      'delete rows of #3',
      'gallery forgets #3',
      'event removed #3 Grace Hopper',
      'delete files a',
      'delete files c',
    ]);
    expect([...t.photos.files.keys()]).toEqual([]);
  });

  it('logs a file it cannot delete and still answers: the rows are gone either way', async () => {
    const t = await build();
    t.photos.failOn.add(PHOTO);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await expect(t.people.remove(3)).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not delete the files of face 7: .*EACCES/));
    } finally {
      warn.mockRestore();
    }
    expect(t.repository.people.has(3)).toBe(false);
    expect(journal).toContain('event removed #3 Grace Hopper');
    expect([...t.photos.files.keys()]).toEqual([PHOTO, THUMB]);
  });

  it('answers 404 for an unknown person, touching neither gallery, events nor files', async () => {
    const t = await build();
    await expect(t.people.remove(99)).rejects.toBeInstanceOf(NotFoundException);
    expect(journal).toEqual(['delete rows of #99']);
  });
});

describe('PersonExportService', () => {
  it('puts the person, every face with its files and embedding, and every sighting with its crop in one document', async () => {
    const t = await build();
    const doc = await t.exports.export(3);
    expect(doc).toMatchObject({
      format: 'face-stream/person-export',
      version: 1,
      exportedAt: '2026-03-01T00:00:00.000Z',
      person: { id: 3, name: 'Grace Hopper', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' },
    });
    expect(doc.faces).toHaveLength(2);
    expect(doc.faces[0]).toEqual({
      id: 7,
      createdAt: '2026-01-01T00:00:00.000Z',
      modelId: 'm1',
      box: { x: 1, y: 2, width: 50, height: 60 },
      photoSha256: 'ab'.repeat(32),
      embeddingFloat32Base64: Buffer.from(new Float32Array([0.5, -1]).buffer).toString('base64'),
      photo: { file: PHOTO, contentType: 'image/jpeg', base64: Buffer.from('photo-1').toString('base64') },
      thumbnail: { file: THUMB, contentType: 'image/jpeg', base64: Buffer.from('thumb-1').toString('base64') },
      quality: null,
    });
    // A photo missing on disk is said so, not an error.
    expect(doc.faces[1].photo).toEqual({ file: PHOTO2, contentType: 'image/png', base64: null });
    expect(doc.sightings).toEqual([
      { id: 20, camera: 'door', personName: 'Grace', firstSeen: '2026-02-01T10:00:00.000Z', lastSeen: '2026-02-01T10:00:05.000Z', bestConfidence: 91.3, cropJpegBase64: Buffer.from('crop').toString('base64'), embeddingFloat32Base64: Buffer.from(new Float32Array([0.5, -1]).buffer).toString('base64') },
      { id: 21, camera: 'yard', personName: 'Grace Hopper', firstSeen: '2026-02-02T10:00:00.000Z', lastSeen: '2026-02-02T10:01:00.000Z', bestConfidence: 88, cropJpegBase64: null, embeddingFloat32Base64: null },
    ]);
    expect(doc.suggestions).toEqual([
      {
        id: 4,
        camera: 'door',
        seenAt: '2026-02-03T10:00:00.000Z',
        similarity: 0.42,
        quality: { size: 1, sharpness: 0.9, pose: 0.8, overall: 0.8 },
        modelId: 'm1',
        embeddingFloat32Base64: Buffer.from(new Float32Array([1, 0]).buffer).toString('base64'),
        photoJpegBase64: Buffer.from('suggested').toString('base64'),
      },
    ]);
    // "Not this person" views: their embedding, where and when (no picture is kept).
    expect(doc.rejectedViews).toEqual([
      { id: 5, camera: 'yard', seenAt: '2026-02-03T09:00:00.000Z', rejectedAt: '2026-02-03T09:05:00.000Z', modelId: 'm1', embeddingFloat32Base64: Buffer.from(new Float32Array([0, 1]).buffer).toString('base64') },
    ]);
  });

  it('answers 404 for an unknown person', async () => {
    const t = await build();
    await expect(t.exports.export(99)).rejects.toBeInstanceOf(NotFoundException);
  });
});
