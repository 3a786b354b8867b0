/**
 * @jest-environment ./test/support/native-typed-arrays.environment.js
 */
import { GalleryService, NATIVE_SEARCH_MIN_VECTORS } from '../../src/recognition/gallery.service';
import { l2Normalize } from '../../src/recognition/matching/similarity';

/** Deterministic unit vectors. */
function vectors(count: number, dimension: number, seed: number): Float32Array[] {
  let state = seed;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5);
  return Array.from({ length: count }, () => l2Normalize(Float32Array.from({ length: dimension }, next)));
}

/** Slightly perturbed copy of a vector: a new photo of the same person. */
const nearby = (v: Float32Array, amount: number, seed: number) => {
  const [noise] = vectors(1, v.length, seed);
  return l2Normalize(v.map((x, i) => x + amount * noise[i]));
};

describe('GalleryService.matchAll on a large gallery (onnxruntime search)', () => {
  const dimension = 512;
  const people = NATIVE_SEARCH_MIN_VECTORS + 500;
  const enrolled = vectors(people, dimension, 7);
  const policy = { threshold: 0.4, margin: 0.05 };
  let gallery: GalleryService;

  beforeAll(() => {
    gallery = new GalleryService();
    gallery.reset(dimension);
    enrolled.forEach((embedding, i) => gallery.setPerson(i + 1, `person ${i + 1}`, [{ sampleId: i + 1, embedding }]));
  });
  afterAll(() => gallery.onModuleDestroy());

  it('names every face of a frame exactly as the JavaScript search does, in one native call', async () => {
    const probes = [nearby(enrolled[10], 0.5, 1), nearby(enrolled[2000], 0.5, 2), vectors(1, dimension, 99)[0]];
    const native = await gallery.matchAll(probes, policy);
    expect(gallery.searchesNatively).toBe(true);
    const javascript = probes.map((probe) => gallery.match(probe, policy));
    expect(native.map((m) => m.name)).toEqual(['person 11', 'person 2001', 'Unknown']);
    native.forEach((m, i) => {
      expect(m.personId).toBe(javascript[i].personId);
      expect(m.similarity).toBeCloseTo(javascript[i].similarity, 5);
      expect(m.confidence).toBeCloseTo(javascript[i].confidence, 1);
    });
  });

  it('keeps answering consistently while people are enrolled and removed during a search', async () => {
    const probe = nearby(enrolled[5], 0.3, 3);
    const newcomer = nearby(enrolled[5], 0.05, 4);
    const search = gallery.matchAll([probe], policy);
    await new Promise((resolve) => setImmediate(resolve)); // the native search is under way
    // Removal swaps the last row into row 5; the enrollment may have to grow the arrays.
    gallery.removePerson(6);
    gallery.setPerson(people + 1, 'newcomer', [{ sampleId: people + 1, embedding: newcomer }]);
    const [during] = await search;
    // Either the gallery before the changes (person 6 found, but deleted by now, so not named) or
    // after them (the newcomer), never a mix of rows.
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);
    const expected = during.name === 'newcomer' ? dot(probe, newcomer) : dot(probe, enrolled[5]);
    expect(['Unknown', 'newcomer']).toContain(during.name);
    expect(during.similarity).toBeCloseTo(expected, 5);
    const [after] = await gallery.matchAll([probe], policy);
    expect(after.name).toBe('newcomer');
    expect(gallery.size).toBe(people);
  });

  it('answers an empty frame without searching', async () => {
    await expect(gallery.matchAll([], policy)).resolves.toEqual([]);
  });
});
