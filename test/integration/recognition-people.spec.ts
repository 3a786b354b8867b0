import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { matchRuleFor } from '../../src/recognition/engines/engine-defaults';
import { policyFor } from '../../src/recognition/matching/open-set-threshold';
import type { EngineName } from '../../src/recognition/face.types';
import { GalleryService } from '../../src/recognition/gallery.service';
import { InferenceClient } from '../../src/recognition/inference/inference.client';
import { UNKNOWN } from '../../src/recognition/matching/matcher';

jest.setTimeout(300_000);

const PEOPLE = resolve(__dirname, '../../../shared/testdata/people');
const MODELS = resolve(__dirname, '../../models');
const PROBES = [2, 3, 4, 5, 6];

/** people/<Name>/<Name>_000N.jpg */
const photoPath = (name: string, n: number) => resolve(PEOPLE, name, `${name}_${String(n).padStart(4, '0')}.jpg`);

/**
 * Identification on a small gallery through the real worker: enroll photo 1 of each
 * person, name photos 2-6; then leave people out of the gallery and check that they are
 * not given someone else's name.
 */
function identificationSuite(engine: EngineName, minRate: number, allStrangersUnknown: boolean): void {
  describe(`people set (${engine})`, () => {
    const client = new InferenceClient({ engine, modelsDir: MODELS, detectionWidth: 640, minScore: 0.6 });
    const people = readdirSync(PEOPLE).sort();
    // The server's default rule for a gallery of this size (one photo of each person).
    const policy = policyFor(matchRuleFor(engine, undefined, 0.01), people.length);
    /** Embedding of the largest face of each photo, by "name/n". */
    const embeddings = new Map<string, Float32Array>();
    let dimension = 0;
    let detectsAround: boolean | undefined;

    const embeddingOf = (name: string, n: number) => {
      const e = embeddings.get(`${name}/${n}`);
      if (!e) throw new Error(`no face found in ${photoPath(name, n)}`);
      return e;
    };
    const galleryOf = (names: string[]) => {
      const gallery = new GalleryService();
      gallery.reset(dimension);
      names.forEach((name, i) => gallery.setPerson(i + 1, name, [{ sampleId: i + 1, embedding: embeddingOf(name, 1) }]));
      return gallery;
    };

    beforeAll(async () => {
      const info = await client.start();
      dimension = info.embeddingSize;
      detectsAround = info.detectsAround;
      for (const name of people) {
        for (const n of [1, ...PROBES]) {
          const { faces } = await client.analyzePhoto(new Uint8Array(readFileSync(photoPath(name, n))));
          if (faces.length > 0) embeddings.set(`${name}/${n}`, faces[0].embedding); // largest first
        }
      }
    });

    it('says whether it can check tracked faces between recognitions (YuNet can; Human cannot, so its stream draws predictions)', async () => {
      expect(detectsAround).toBe(engine === 'yunet-edgeface');
      if (!detectsAround) {
        const image = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
        await expect(client.detectAround(image, [{ x: 8, y: 8, width: 32, height: 32 }])).rejects.toMatchObject({ code: 'DETECT_AROUND_UNSUPPORTED' });
      }
    });

    it('has 16 people with 6 photos each, every photo with a face', () => {
      expect(people).toHaveLength(16);
      expect(embeddings.size).toBe(16 * 6);
    });

    /** Photos 2-6 of everyone against a gallery of everyone's photo 1: the fraction named right, and the misses. */
    const knownResults = () => {
      const gallery = galleryOf(people);
      const wrong: string[] = [];
      for (const name of people) {
        for (const n of PROBES) {
          const result = gallery.match(embeddingOf(name, n), policy);
          if (result.name !== name) wrong.push(`${name}_${n} -> ${result.name} (${result.similarity.toFixed(3)})`);
        }
      }
      const total = people.length * PROBES.length;
      return { total, wrong, rate: (total - wrong.length) / total };
    };

    it(`names at least ${minRate * 100} % of photos 2-6 when photo 1 of everyone is enrolled`, () => {
      const { total, wrong, rate } = knownResults();
      console.log(`${engine}: ${total - wrong.length}/${total} named correctly (${(100 * rate).toFixed(1)} %) at threshold ${policy.threshold}, margin ${policy.margin}${wrong.length ? `; misses: ${wrong.join('; ')}` : ''}`);
      expect(rate).toBeGreaterThanOrEqual(minRate);
    });

    it('calls the 16th person Unknown when only the other 15 are enrolled', () => {
      const stranger = people[people.length - 1];
      const gallery = galleryOf(people.filter((p) => p !== stranger));
      const results = [1, ...PROBES].map((n) => gallery.match(embeddingOf(stranger, n), policy));
      const named = results.filter((r) => r.name !== UNKNOWN);
      console.log(
        `${engine}: ${stranger} not enrolled: ${results.length - named.length}/${results.length} Unknown ` +
          `(best similarities ${results.map((r) => r.similarity.toFixed(3)).join(' ')})`,
      );
      if (allStrangersUnknown) expect(named).toEqual([]);
      // This engine's same- and different-person scores overlap too much for that: the result is
      // stated above, and only required to be rarer than naming an enrolled person right.
      else expect(named.length / results.length).toBeLessThan(knownResults().rate);
    });

    it('leaves each person out in turn: how often a stranger gets a name', () => {
      let named = 0;
      let total = 0;
      for (const stranger of people) {
        const gallery = galleryOf(people.filter((p) => p !== stranger));
        for (const n of [1, ...PROBES]) {
          total++;
          if (gallery.match(embeddingOf(stranger, n), policy).name !== UNKNOWN) named++;
        }
      }
      console.log(`${engine}: strangers named ${named}/${total} (${((100 * named) / total).toFixed(1)} %) over 16 leave-one-out galleries of 15`);
      // The open-set goal is about 1 % of strangers named; an engine that cannot reach it must
      // at least name strangers less than half as often as it names enrolled people right.
      if (allStrangersUnknown) expect(named / total).toBeLessThanOrEqual(0.011);
      else expect(named / total).toBeLessThan(knownResults().rate / 2);
    });
  });
}

identificationSuite('yunet-edgeface', 0.95, true);
// Human's faceres embedding separates people poorly: at the threshold that keeps strangers rare it names ~70 % (README, Engines).
identificationSuite('human', 0.65, false);
