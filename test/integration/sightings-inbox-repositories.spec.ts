import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { validateConfig } from '../../src/config/app-config';
import { FaceSample } from '../../src/people/entities/face-sample.entity';
import { Person } from '../../src/people/entities/person.entity';
import { RejectedView } from '../../src/people/suggestions/rejected-view.entity';
import { SampleSuggestion } from '../../src/people/suggestions/sample-suggestion.entity';
import { TypeOrmSuggestionStore } from '../../src/people/suggestions/suggestion-store';
import { PeopleRepository } from '../../src/people/people.repository';
import { PERSON_TRACES } from '../../src/people/person-traces';
import { DatabaseModule } from '../../src/database/database.module';
import { pageWindow } from '../../src/sightings/paging';
import { SightingTraces } from '../../src/sightings/sighting-traces';
import { Sighting } from '../../src/sightings/sighting.entity';
import { SightingsRepository } from '../../src/sightings/sightings.repository';
import { UnknownFace } from '../../src/unknown-faces/unknown-face.entity';
import { UnknownFacesRepository } from '../../src/unknown-faces/unknown-faces.repository';
import { STORE_DIALECTS, useStores } from '../support/store-dialects';

const storeFor = useStores();
const T0 = Date.UTC(2031, 5, 1); // past 2^31 ms many times over: a 32-bit column would overflow

/** The sightings and inbox repositories, and a person's erasure with their sightings, on both stores. */
describe.each(STORE_DIALECTS)('sightings, inbox and erasure (real %s store)', (dialect) => {
  let dir: string;
  let context: INestApplicationContext;
  let sightings: SightingsRepository;
  let inbox: UnknownFacesRepository;
  let people: PeopleRepository;
  let suggestions: TypeOrmSuggestionStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightings-inbox-'));
    const env = await storeFor(dialect, dir);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }),
        DatabaseModule,
        TypeOrmModule.forFeature([Person, FaceSample, SampleSuggestion, RejectedView, Sighting, UnknownFace]),
      ],
      providers: [SightingsRepository, UnknownFacesRepository, PeopleRepository, TypeOrmSuggestionStore, { provide: PERSON_TRACES, useClass: SightingTraces }],
    }).compile();
    context = await moduleRef.init();
    sightings = context.get(SightingsRepository);
    inbox = context.get(UnknownFacesRepository);
    people = context.get(PeopleRepository);
    suggestions = context.get(TypeOrmSuggestionStore);
  });

  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a sighting, its progress and crop, filters and pages them, and ends what a previous run left open', async () => {
    const id = await sightings.insert({ personId: 7, personName: 'Ada', camera: 'door', firstSeen: T0, lastSeen: T0, bestConfidence: 0.5, ongoing: true, thumbnail: null });
    await sightings.progress({ id, personName: 'Ada L.', lastSeen: T0 + 5000, bestConfidence: 0.61, ongoing: true });
    const crop = Buffer.from([0xff, 0xd8, 0, 0x80, 0xff, 0xd9]);
    await sightings.setThumbnail(id, crop, 0.75);
    for (let i = 1; i <= 4; i++) await sightings.insert({ personId: 8, personName: 'Bo', camera: i % 2 ? 'yard' : 'door', firstSeen: T0 + i * 60_000, lastSeen: T0 + i * 60_000 + 10, bestConfidence: 0.9, ongoing: false, thumbnail: null });

    expect(await sightings.findOne(id)).toMatchObject({ id, personId: 7, personName: 'Ada L.', camera: 'door', firstSeen: T0, lastSeen: T0 + 5000, bestConfidence: 0.75, ongoing: true, embeddingModelId: null });
    expect(await sightings.thumbnail(id)).toEqual(crop);
    expect(await sightings.thumbnail(id + 1000)).toBeUndefined();

    const [doorOfBo, doorTotal] = await sightings.find({ personId: 8, camera: 'door' }, pageWindow({}));
    expect([doorOfBo.map((s) => s.firstSeen), doorTotal]).toEqual([[T0 + 240_000, T0 + 120_000], 2]);
    const [window, windowTotal] = await sightings.find({ from: T0 + 100_000, to: T0 + 200_000 }, pageWindow({}));
    expect([window.map((s) => s.firstSeen), windowTotal]).toEqual([[T0 + 180_000, T0 + 120_000], 2]);
    const [secondPage, total] = await sightings.find({}, pageWindow({ page: 2, pageSize: 2 }));
    expect([secondPage.map((s) => s.firstSeen), total]).toEqual([[T0 + 120_000, T0 + 60_000], 5]);

    await sightings.endAllOngoing();
    expect((await sightings.findOne(id))!.ongoing).toBe(false);
  });

  it('keeps strangers with their crops and centroid, groups by model, pages and deletes them', async () => {
    const centroid = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) / 16);
    const photo = Buffer.from('photo-bytes');
    const id = await inbox.insert({ camera: 'door', firstSeen: T0, lastSeen: T0, appearances: 1, centroid, modelId: 'edgeface', faceHeight: 80, photo, thumbnail: Buffer.from('thumb') });
    await inbox.insert({ camera: 'yard', firstSeen: T0 + 1, lastSeen: T0 + 9, appearances: 1, centroid, modelId: 'other', faceHeight: 60, photo, thumbnail: photo });
    const moved = centroid.map((v) => v * 0.5);
    await inbox.update({ id, lastSeen: T0 + 20, appearances: 2, centroid: moved, photo: Buffer.from('better'), faceHeight: 120 });

    const groups = await inbox.groupsOf('edgeface');
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ id, appearances: 2 });
    expect(Array.from(groups[0].centroid)).toEqual(Array.from(moved));
    expect(await inbox.blob(id, 'photo')).toEqual(Buffer.from('better'));
    expect(await inbox.blob(id, 'thumbnail')).toEqual(Buffer.from('thumb'));
    const [page, total] = await inbox.findPage(pageWindow({}));
    expect([page.map((f) => [f.id, f.lastSeen]), total]).toEqual([[[id, T0 + 20], [id + 1, T0 + 9]], 2]);
    expect(await inbox.delete(id)).toBe(true);
    expect(await inbox.delete(id)).toBe(false);
    expect(await inbox.findOne(id)).toBeNull();
  });

  it('turns a rejected suggestion into a rejected view (embedding only), keeping the newest up to the bound', async () => {
    const sample = { embedding: new Float32Array(4).fill(0.5), modelId: 'm', box: { x: 1, y: 2, width: 3, height: 4 }, files: { photo: 'p.jpg', thumbnail: 't.jpg' }, photoSha256: 'aa'.repeat(32) };
    const { person } = await people.createPerson('Di', sample);
    const suggest = (i: number) =>
      suggestions.insertBounded(
        { personId: person.id, camera: 'door', seenAt: T0 + i, similarity: 0.4, quality: { size: 1, sharpness: 1, pose: 1, overall: 1 }, modelId: 'm', embedding: Float32Array.of(i, 1), photo: Buffer.from([i]), thumbnail: Buffer.from([i]) },
        10,
      );
    const ids = [await suggest(1), await suggest(2), await suggest(3)];
    expect(await suggestions.reject(person.id + 1, ids[0], T0, 2)).toBe(false); // not theirs: nothing changes
    for (const [i, id] of ids.entries()) expect(await suggestions.reject(person.id, id, T0 + 100 + i, 2)).toBe(true);
    expect(await suggestions.reject(person.id, ids[0], T0 + 200, 2)).toBe(false);
    expect(await suggestions.listOf(person.id)).toEqual([]);
    const rejected = await suggestions.rejectedOf(person.id);
    expect(rejected.map(({ camera, seenAt, rejectedAt, modelId, embedding }) => ({ camera, seenAt, rejectedAt, modelId, embedding: Array.from(embedding) }))).toEqual([
      { camera: 'door', seenAt: T0 + 2, rejectedAt: T0 + 101, modelId: 'm', embedding: [2, 1] },
      { camera: 'door', seenAt: T0 + 3, rejectedAt: T0 + 102, modelId: 'm', embedding: [3, 1] },
    ]);
    // The undo forgets them all, and only theirs.
    expect(await suggestions.forgetRejected(person.id + 1)).toBe(0);
    expect(await suggestions.forgetRejected(person.id)).toBe(2);
    expect(await suggestions.rejectedOf(person.id)).toEqual([]);
  });

  it('erases a person with their faces and sightings in one go, and nobody else', async () => {
    const sample = { embedding: new Float32Array(8).fill(0.25), modelId: 'm', box: { x: 1, y: 2, width: 3, height: 4 }, files: { photo: 'p.jpg', thumbnail: 't.jpg' }, photoSha256: 'cd'.repeat(32) };
    const { person } = await people.createPerson('Cy', sample);
    await people.addSample(person.id, { ...sample, photoSha256: 'ef'.repeat(32) });
    for (let i = 0; i < 3; i++) await sightings.insert({ personId: person.id, personName: 'Cy', camera: 'door', firstSeen: T0 + i, lastSeen: T0 + i, bestConfidence: 0.8, ongoing: false, thumbnail: Buffer.from([i]) });
    const othersBefore = (await sightings.find({}, pageWindow({ pageSize: 100 })))[1] - 3;
    // A suggestion and a rejected view of theirs, and a rejected view of someone else's.
    const suggestion = { camera: 'door', seenAt: T0, similarity: 0.4, quality: { size: 1, sharpness: 1, pose: 1, overall: 1 }, modelId: 'm', embedding: Float32Array.of(1, 0), photo: Buffer.from([1]), thumbnail: Buffer.from([2]) };
    await suggestions.reject(person.id, await suggestions.insertBounded({ ...suggestion, personId: person.id }, 10), T0, 50);
    await suggestions.insertBounded({ ...suggestion, personId: person.id }, 10);
    const { person: other } = await people.createPerson('Ed', { ...sample, photoSha256: '01'.repeat(32) });
    await suggestions.reject(other.id, await suggestions.insertBounded({ ...suggestion, personId: other.id }, 10), T0, 50);

    const erased = await people.deletePerson(person.id);
    expect(erased).toMatchObject({ sightings: 3, person: { id: person.id, name: 'Cy' } });
    expect(erased!.person.samples).toHaveLength(2);
    expect(await people.findOne(person.id)).toBeNull();
    expect((await sightings.find({ personId: person.id }, pageWindow({})))[1]).toBe(0);
    expect((await sightings.find({}, pageWindow({ pageSize: 100 })))[1]).toBe(othersBefore);
    expect(await people.deletePerson(person.id)).toBeNull();
    expect(await suggestions.listOf(person.id)).toEqual([]);
    expect(await suggestions.rejectedOf(person.id)).toEqual([]);
    expect(await suggestions.rejectedOf(other.id)).toHaveLength(1);
  });
});
