import { matchConfidence, unknownConfidence } from '../../src/recognition/matching/confidence';
import { Gallery, topPeopleOf } from '../../src/recognition/matching/gallery';
import { matchFace, UNKNOWN } from '../../src/recognition/matching/matcher';
import { l2Normalize } from '../../src/recognition/matching/similarity';

const vec = (...values: number[]) => l2Normalize(Float32Array.from(values));

describe('Gallery', () => {
  it('finds the best samples and people by cosine similarity', () => {
    const g = new Gallery(3, 1); // capacity 1 forces growth
    g.add({ sampleId: 1, personId: 10, embedding: vec(1, 0, 0) });
    g.add({ sampleId: 2, personId: 10, embedding: vec(1, 1, 0) });
    g.add({ sampleId: 3, personId: 20, embedding: vec(0, 1, 0) });
    const q = vec(1, 0.1, 0);
    expect(g.topSamples(q, 2).map((s) => s.sampleId)).toEqual([1, 2]);
    const people = g.topPeople(q, 5);
    expect(people.map((p) => p.personId)).toEqual([10, 20]);
    expect(people[0].similarity).toBeCloseTo(0.995, 3);
  });

  it('removes samples and people, keeping the rest searchable', () => {
    const g = new Gallery(2);
    g.add({ sampleId: 1, personId: 1, embedding: vec(1, 0) });
    g.add({ sampleId: 2, personId: 2, embedding: vec(0, 1) });
    g.add({ sampleId: 3, personId: 1, embedding: vec(1, 1) });
    expect(g.removeSample(1)).toBe(true);
    expect(g.removeSample(1)).toBe(false);
    expect(g.size).toBe(2);
    expect(g.topSamples(vec(1, 0), 1)[0].sampleId).toBe(3);
    expect(g.removePerson(1)).toBe(1);
    expect(g.topPeople(vec(1, 0), 3).map((p) => p.personId)).toEqual([2]);
  });

  it("finds a given person's sample most like a face (the one that caused their name)", () => {
    const g = new Gallery(3);
    g.add({ sampleId: 1, personId: 10, embedding: vec(1, 0, 0) });
    g.add({ sampleId: 2, personId: 10, embedding: vec(0, 0, 1) });
    g.add({ sampleId: 3, personId: 20, embedding: vec(0.1, 0, 1) });
    const q = vec(0, 0.2, 1);
    expect(g.bestSampleOf(q, 10)).toMatchObject({ sampleId: 2, personId: 10 });
    expect(g.bestSampleOf(q, 10)!.similarity).toBeCloseTo(1 / Math.hypot(0.2, 1), 5);
    expect(g.bestSampleOf(q, 20)?.sampleId).toBe(3);
    expect(g.bestSampleOf(q, 30)).toBeUndefined();
  });

  it('refuses vectors of the wrong size', () => {
    expect(() => new Gallery(3).add({ sampleId: 1, personId: 1, embedding: vec(1, 0) })).toThrow(/3/);
  });
});

describe('matchFace', () => {
  const names = new Map([
    [1, 'Ada'],
    [2, 'Grace'],
  ]);
  const gallery = new Gallery(2);
  gallery.add({ sampleId: 1, personId: 1, embedding: vec(1, 0) });
  gallery.add({ sampleId: 2, personId: 2, embedding: vec(0, 1) });
  const policy = { threshold: 0.5, margin: 0.1 };

  it('names the best person above the threshold', () => {
    const r = matchFace(vec(1, 0.2), gallery, (id) => names.get(id), policy);
    expect(r.name).toBe('Ada');
    expect(r.personId).toBe(1);
    expect(r.confidence).toBeGreaterThan(50);
  });

  it('says Unknown below the threshold', () => {
    const r = matchFace(vec(-1, -0.1), gallery, (id) => names.get(id), policy);
    expect(r).toMatchObject({ name: UNKNOWN, personId: null });
  });

  it('says Unknown when two people are almost equally close', () => {
    const r = matchFace(vec(1, 0.95), gallery, (id) => names.get(id), policy);
    expect(r.similarity).toBeGreaterThan(0.5);
    expect(r.name).toBe(UNKNOWN);
  });

  it('says Unknown for an empty gallery', () => {
    expect(matchFace(vec(1, 0), new Gallery(2), () => undefined, policy).name).toBe(UNKNOWN);
  });
});

describe('confidence', () => {
  it('is 50 % at the threshold and grows with similarity', () => {
    expect(matchConfidence(0.4, 0.4)).toBe(50);
    expect(matchConfidence(0.6, 0.4)).toBeGreaterThan(95);
    expect(matchConfidence(0.3, 0.4)).toBeLessThan(15);
  });
  it('for Unknown, is the complement', () => {
    expect(unknownConfidence(0.1, 0.4)).toBeGreaterThan(99);
    expect(unknownConfidence(0.4, 0.4)).toBe(50);
  });
});

describe('Gallery.topPeople against a brute-force reference', () => {
  it('ranks people by their best sample, for many random galleries and k', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    for (let round = 0; round < 50; round++) {
      const dim = 8;
      const g = new Gallery(dim, 4);
      const samples: Array<{ personId: number; embedding: Float32Array }> = [];
      for (let s = 0; s < 40; s++) {
        const embedding = l2Normalize(Float32Array.from({ length: dim }, random));
        const personId = 1 + Math.floor((random() + 0.5) * 12);
        samples.push({ personId, embedding });
        g.add({ sampleId: s + 1, personId, embedding });
      }
      const q = l2Normalize(Float32Array.from({ length: dim }, random));
      const bestOf = new Map<number, number>();
      for (const s of samples) {
        const sim = s.embedding.reduce((acc, v, i) => acc + v * q[i], 0);
        bestOf.set(s.personId, Math.max(bestOf.get(s.personId) ?? -Infinity, sim));
      }
      const reference = [...bestOf].sort((a, b) => b[1] - a[1]);
      for (const k of [1, 2, 3, 5]) {
        const got = g.topPeople(q, k);
        expect(got.map((p) => p.personId)).toEqual(reference.slice(0, k).map(([id]) => id));
        got.forEach((p, i) => expect(p.similarity).toBeCloseTo(reference[i][1], 5));
      }
    }
  });
});

describe('Gallery snapshots (searches running while the gallery changes)', () => {
  it('leaves a pinned snapshot untouched by removals and additions, and keeps the live gallery right', async () => {
    const g = new Gallery(2, 4);
    g.add({ sampleId: 1, personId: 1, embedding: vec(1, 0) });
    g.add({ sampleId: 2, personId: 2, embedding: vec(0, 1) });
    g.add({ sampleId: 3, personId: 3, embedding: vec(1, 1) });
    let release!: () => void;
    const seen = g.pinned(async (snapshot) => {
      const before = { vectors: Array.from(snapshot.vectors), people: Array.from(snapshot.personIds) };
      await new Promise<void>((resolve) => (release = resolve));
      return { before, after: { vectors: Array.from(snapshot.vectors), people: Array.from(snapshot.personIds) }, size: snapshot.size };
    });
    // The removal swaps row 3 into row 1; the additions write new rows.
    g.removeSample(1);
    g.add({ sampleId: 4, personId: 4, embedding: vec(-1, 0) });
    g.add({ sampleId: 5, personId: 5, embedding: vec(0, -1) });
    release();
    const { before, after, size } = await seen;
    expect(after).toEqual(before);
    expect(size).toBe(3);
    expect(g.size).toBe(4);
    expect(g.topPeople(vec(1, 0.9), 1)[0].personId).toBe(3);
    expect(g.topPeople(vec(-1, 0), 1)[0].personId).toBe(4);
  });

  it('ranks people from precomputed similarities like the search does', () => {
    const personIds = Int32Array.from([7, 8, 7, 9]);
    expect(topPeopleOf([0.2, 0.5, 0.6, 0.1], personIds, 2)).toEqual([
      { personId: 7, similarity: 0.6 },
      { personId: 8, similarity: 0.5 },
    ]);
  });
});
