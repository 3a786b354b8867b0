import {
  decide,
  evaluateAt,
  scoreProbes,
  splitOpenSet,
  sweepThresholds,
  thresholdRange,
  type LabelledImage,
  type ProbeScore,
} from '../../src/recognition/evaluation/identification';
import { Gallery } from '../../src/recognition/matching/gallery';
import { matchFace } from '../../src/recognition/matching/matcher';
import { l2Normalize } from '../../src/recognition/matching/similarity';

const vec = (...values: number[]) => l2Normalize(Float32Array.from(values));
const photo = (identity: string, n: number, embedding: Float32Array | null = vec(1, 0, 0, 0)): LabelledImage => ({
  identity,
  image: `${identity}/${identity}_000${n}.jpg`,
  embedding,
});
const names = (images: LabelledImage[]) => images.map((i) => i.image.split('/')[1]);

describe('open-set identification evaluation', () => {
  describe('splitOpenSet', () => {
    // Given out of order on purpose: photos are taken in image-name order.
    const images = [
      photo('Ann', 3),
      photo('Ann', 1),
      photo('Ann', 2),
      photo('Bob', 2),
      photo('Bob', 1),
      photo('Cid', 1),
      photo('Dee', 1, null), // no face: cannot be enrolled, stays a probe
      photo('Dee', 2),
      photo('Eve', 1, null),
      photo('Eve', 2, null),
    ];

    it('enrolls the first photo with a face of everyone with two or more photos; the rest are strangers', () => {
      const split = splitOpenSet(images);
      expect(names(split.gallery)).toEqual(['Ann_0001.jpg', 'Bob_0001.jpg', 'Dee_0002.jpg']);
      expect(names(split.known)).toEqual(['Ann_0002.jpg', 'Ann_0003.jpg', 'Bob_0002.jpg', 'Dee_0001.jpg']);
      // Cid has one photo; Eve has no photo with a face to enroll.
      expect(names(split.strangers)).toEqual(['Cid_0001.jpg', 'Eve_0001.jpg', 'Eve_0002.jpg']);
      expect(split.enrolledPeople).toBe(3);
      expect(split.strangerPeople).toBe(2);
      // Every photo ends up in exactly one place.
      expect(split.gallery.length + split.known.length + split.strangers.length).toBe(images.length);
    });

    it('enrolls more photos per person when asked, keeping at least one probe per enrolled person', () => {
      const split = splitOpenSet(images, 2);
      expect(names(split.gallery)).toEqual(['Ann_0001.jpg', 'Ann_0002.jpg']);
      expect(names(split.known)).toEqual(['Ann_0003.jpg']);
      expect(split.strangers).toHaveLength(7);
      expect(split.strangerPeople).toBe(4);
      expect(() => splitOpenSet(images, 0)).toThrow(/enrollPerPerson/);
    });
  });

  describe('scoreProbes', () => {
    it('ranks people by their best sample and keeps the runner-up similarity', () => {
      const split = splitOpenSet([
        photo('Ann', 1, vec(1, 0, 0, 0)),
        photo('Ann', 2, vec(0.9, 0.1, 0, 0)),
        photo('Bob', 1, vec(0, 1, 0, 0)),
        photo('Bob', 2, vec(0.1, 0.9, 0.2, 0)),
        photo('Cid', 1, vec(0, 0, 0, 1)),
        photo('Dan', 1, null),
      ]);
      const scores = scoreProbes(split);
      expect(scores.map((s) => [s.image.split('/')[1], s.known, s.hasFace, s.best?.identity])).toEqual([
        ['Ann_0002.jpg', true, true, 'Ann'],
        ['Bob_0002.jpg', true, true, 'Bob'],
        ['Cid_0001.jpg', false, true, 'Ann'], // orthogonal to both: a tie at 0, first person wins
        ['Dan_0001.jpg', false, false, undefined],
      ]);
      const ann = scores[0];
      expect(ann.best!.similarity).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 6);
      expect(ann.secondSimilarity).toBeCloseTo(0.1 / Math.hypot(0.9, 0.1), 6);
    });

    it('copes with an empty gallery: every probe is Unknown', () => {
      const scores = scoreProbes(splitOpenSet([photo('Ann', 1), photo('Bob', 1)]));
      expect(scores).toHaveLength(2);
      expect(scores.every((s) => !s.known && s.best === undefined)).toBe(true);
      expect(evaluateAt(scores, { threshold: 0, margin: 0 }).strangersNamed).toBe(0);
    });
  });

  describe('decide', () => {
    it('follows the server matcher on random galleries', () => {
      // Deterministic pseudo-random vectors (LCG), 8 dimensions, 5 people with 1–2 samples each.
      let seed = 12345;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
      const randomVector = () => l2Normalize(Float32Array.from({ length: 8 }, rand));
      const images: LabelledImage[] = [];
      for (const id of ['A', 'B', 'C', 'D', 'E']) {
        const base = randomVector();
        for (let n = 1; n <= 3; n++) images.push(photo(id, n, l2Normalize(base.map((v) => v + 0.6 * rand()))));
      }
      const split = splitOpenSet(images, 2);
      const gallery = new Gallery(8);
      const people = [...new Set(split.gallery.map((g) => g.identity))];
      split.gallery.forEach((g, i) => gallery.add({ sampleId: i, personId: people.indexOf(g.identity), embedding: g.embedding! }));
      const scores = scoreProbes(split);
      let named = 0;
      for (const policy of [{ threshold: 0.2, margin: 0.05 }, { threshold: 0.5, margin: 0 }, { threshold: 0.7, margin: 0.1 }]) {
        for (const [i, probe] of split.known.entries()) {
          const expected = matchFace(probe.embedding!, gallery, (id) => people[id], policy);
          const got = decide(scores[i], policy);
          expect(got ?? 'Unknown').toBe(expected.name);
          if (got) named++;
        }
      }
      expect(named).toBeGreaterThan(0); // the cases exercise both outcomes
      expect(named).toBeLessThan(3 * split.known.length);
    });

    it('names a probe only at or above the threshold and with the margin over the runner-up', () => {
      const probe = (similarity: number, second?: number): ProbeScore => ({
        identity: 'Ann',
        image: 'x',
        known: true,
        hasFace: true,
        best: { identity: 'Ann', similarity },
        secondSimilarity: second,
      });
      expect(decide(probe(0.3), { threshold: 0.3, margin: 0.05 })).toBe('Ann'); // alone in the gallery: no runner-up
      expect(decide(probe(0.29), { threshold: 0.3, margin: 0.05 })).toBeNull();
      expect(decide(probe(0.5, 0.46), { threshold: 0.3, margin: 0.05 })).toBeNull();
      expect(decide(probe(0.5, 0.44), { threshold: 0.3, margin: 0.05 })).toBe('Ann');
    });
  });

  describe('evaluateAt and sweepThresholds', () => {
    const known = (identity: string, best: string, similarity: number, second = 0): ProbeScore => ({
      identity,
      image: `${identity}.jpg`,
      known: true,
      hasFace: true,
      best: { identity: best, similarity },
      secondSimilarity: second,
    });
    const stranger = (similarity: number): ProbeScore => ({
      identity: 'X',
      image: 'x.jpg',
      known: false,
      hasFace: true,
      best: { identity: 'Ann', similarity },
      secondSimilarity: 0,
    });
    const missed: ProbeScore = { identity: 'Ann', image: 'm.jpg', known: true, hasFace: false };
    const scores = [
      known('Ann', 'Ann', 0.6),
      known('Ann', 'Ann', 0.35),
      known('Bob', 'Bob', 0.25),
      known('Bob', 'Ann', 0.4), // wrong person ranked first, confidently
      known('Cid', 'Ann', 0.2), // wrong person first, below threshold
      missed,
      stranger(0.1),
      stranger(0.32),
    ];

    it('counts each outcome at an operating point', () => {
      const m = evaluateAt(scores, { threshold: 0.3, margin: 0.05 });
      expect(m).toMatchObject({
        knownProbes: 6,
        strangerProbes: 2,
        knownMissed: 1,
        strangersMissed: 0,
        rank1: 3,
        knownNamedRight: 2,
        wrongName: 1,
        knownUnknown: 3,
        strangersNamed: 1,
      });
      expect(m.rates.rank1).toBeCloseTo(0.5, 9);
      expect(m.rates.knownNamedRight + m.rates.wrongName + m.rates.knownUnknown).toBeCloseTo(1, 9);
      expect(m.rates.strangersNamed).toBe(0.5);
    });

    it('sweeps thresholds: fewer names, right or wrong, as the threshold rises', () => {
      const rows = sweepThresholds(scores, thresholdRange(0.2, 0.5, 0.02), 0.05);
      expect(rows[0]).toMatchObject({ threshold: 0.2, knownNamedRight: 3, wrongName: 2, strangersNamed: 1 });
      expect(rows.find((r) => r.threshold === 0.34)).toMatchObject({ knownNamedRight: 2, wrongName: 1, strangersNamed: 0 });
      expect(rows[rows.length - 1]).toMatchObject({ threshold: 0.5, knownNamedRight: 1, wrongName: 0, strangersNamed: 0 });
      for (let i = 1; i < rows.length; i++) {
        expect(rows[i].knownNamedRight + rows[i].wrongName).toBeLessThanOrEqual(rows[i - 1].knownNamedRight + rows[i - 1].wrongName);
        expect(rows[i].strangersNamed).toBeLessThanOrEqual(rows[i - 1].strangersNamed);
      }
    });

    it('builds threshold ranges without floating-point drift', () => {
      const range = thresholdRange(0.2, 0.5, 0.02);
      expect(range).toHaveLength(16);
      expect(range).toContain(0.3);
      expect(range[range.length - 1]).toBe(0.5);
      expect(() => thresholdRange(0.5, 0.2, 0.02)).toThrow();
      expect(() => thresholdRange(0.2, 0.5, 0)).toThrow();
    });
  });
});
