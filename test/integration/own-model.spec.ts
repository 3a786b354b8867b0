import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CliModule } from '../../src/cli/cli.module';
import { DEFAULT_EMBEDDING_INPUT, loadEmbeddingModelSpec } from '../../src/recognition/engines/embedding-model';
import { GalleryService } from '../../src/recognition/gallery.service';
import { InferenceClient } from '../../src/recognition/inference/inference.client';
import { dot } from '../../src/recognition/matching/similarity';
import { RecognitionService } from '../../src/recognition/recognition.service';
import { PeopleService } from '../../src/people/people.service';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';

jest.setTimeout(300_000);

const XXS = resolve(PROJECT_ROOT, '..', 'shared', 'models', 'edgeface_xxs.onnx');
const MODELS = resolve(PROJECT_ROOT, 'models');
const PEOPLE = join(TESTDATA, 'people');
const photo = (name: string, n: number) => new Uint8Array(readFileSync(join(PEOPLE, name, `${name}_${String(n).padStart(4, '0')}.jpg`)));

describe('a model of your own (EdgeFace-XXS) through the real vision worker', () => {
  const client = new InferenceClient({
    engine: 'yunet-edgeface',
    modelsDir: MODELS,
    detectionWidth: 640,
    minScore: 0.6,
    embeddingModel: loadEmbeddingModelSpec(XXS, { ...DEFAULT_EMBEDDING_INPUT }),
  });
  const people = readdirSync(PEOPLE).sort();
  const embeddings = new Map<string, Float32Array>();

  beforeAll(async () => {
    await client.start();
    for (const name of people) {
      for (const n of [1, 2, 3]) {
        const { faces } = await client.analyzePhoto(photo(name, n));
        if (faces[0]) embeddings.set(`${name}/${n}`, faces[0].embedding);
      }
    }
  });

  it('names the model by file and content hash, and reads the embedding size from the model', () => {
    expect(client.engineInfo).toMatchObject({ engine: 'yunet-edgeface', modelId: 'yunet-2023mar+edgeface_xxs.onnx@37271abcf5d7', embeddingSize: 512 });
  });

  it('embeds every photo of the people set into unit vectors that tell people apart', () => {
    expect(embeddings.size).toBe(people.length * 3);
    for (const vector of embeddings.values()) expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 4);
    // Photos 2 and 3 of everyone, against everyone's photo 1: the most similar is the same person.
    let right = 0;
    for (const name of people) {
      for (const n of [2, 3]) {
        const probe = embeddings.get(`${name}/${n}`)!;
        const best = people.reduce((a, b) => (dot(probe, embeddings.get(`${a}/1`)!) >= dot(probe, embeddings.get(`${b}/1`)!) ? a : b));
        if (best === name) right++;
      }
    }
    expect(right).toBe(people.length * 2);
  });
});

describe('a model whose input does not match the settings', () => {
  it('stops the start with a message naming the setting', async () => {
    const client = new InferenceClient({
      engine: 'yunet-edgeface',
      modelsDir: MODELS,
      detectionWidth: 640,
      minScore: 0.6,
      embeddingModel: loadEmbeddingModelSpec(XXS, { ...DEFAULT_EMBEDDING_INPUT, size: 128 }),
    });
    await expect(client.start()).rejects.toThrow(`EMBEDDING_MODEL=${XXS}: its input is [batch, 3, 112, 112] but EMBEDDING_INPUT_SIZE is 128`);
  });

  it('feeds the model as the channel order and normalisation settings say', async () => {
    const inputs = [
      { ...DEFAULT_EMBEDDING_INPUT },
      { ...DEFAULT_EMBEDDING_INPUT, channelOrder: 'BGR' as const },
      { ...DEFAULT_EMBEDDING_INPUT, mean: [0, 0, 0] as [number, number, number], std: [255, 255, 255] as [number, number, number] },
    ];
    const vectors: Float32Array[] = [];
    const ids: string[] = [];
    for (const input of inputs) {
      const client = new InferenceClient({ engine: 'yunet-edgeface', modelsDir: MODELS, detectionWidth: 640, minScore: 0.6, embeddingModel: loadEmbeddingModelSpec(XXS, input) });
      ids.push((await client.start()).modelId);
      vectors.push((await client.analyzePhoto(photo('Gordon_Brown', 1))).faces[0].embedding);
    }
    expect(new Set(ids).size).toBe(3);
    // Each setting changes what the model sees, so the vectors differ; the defaults are EdgeFace's own.
    expect(dot(vectors[0], vectors[1])).toBeLessThan(0.99);
    expect(dot(vectors[0], vectors[2])).toBeLessThan(0.99);
  });
});

describe('changing the embedding model re-embeds the stored photos at start', () => {
  const root = mkdtempSync(join(tmpdir(), 'own-model-reembed-'));
  const saved = { ...process.env };
  const names = ['Gordon_Brown', 'Lance_Armstrong', 'Tom_Ridge'];

  afterAll(() => {
    process.env = saved;
    rmSync(root, { recursive: true, force: true });
  });

  /** The CLI's context with the people library: the same start-up path (and re-embedding) as the server. */
  async function withApp<T>(env: Record<string, string>, body: (app: INestApplicationContext) => Promise<T>): Promise<T> {
    process.env = { ...saved, DATA_DIR: join(root, 'data'), FACES_DIR: join(root, 'no-faces'), MODELS_DIR: MODELS, ...env };
    const app = await NestFactory.createApplicationContext(CliModule.forCommand({ people: true }), { logger: false });
    try {
      return await body(app);
    } finally {
      await app.close();
    }
  }

  const samplesOf = async (app: INestApplicationContext) =>
    (await app.get(PeopleService).findAll()).flatMap((p) => p.samples.map((s) => ({ person: p.name, modelId: s.modelId, embedding: s.embedding })));

  it('enrolled with the bundled model, then started with EMBEDDING_MODEL: every sample now has the new model id and vector, and names the same people', async () => {
    const before = await withApp({}, async (app) => {
      for (const name of names) await app.get(PeopleService).create(name, photo(name, 1));
      return samplesOf(app);
    });
    expect(before.map((s) => s.modelId)).toEqual(names.map(() => 'yunet-2023mar+edgeface-xs'));

    // A copy, so the tail file next to it is this test's own (here: none, with a fixed threshold).
    const model = join(root, 'edgeface_xxs.onnx');
    copyFileSync(XXS, model);
    await withApp({ EMBEDDING_MODEL: model, MATCH_THRESHOLD: '0.3' }, async (app) => {
      const after = await samplesOf(app);
      expect(after.map((s) => s.person).sort()).toEqual([...names].sort());
      for (const sample of after) {
        expect(sample.modelId).toBe('yunet-2023mar+edgeface_xxs.onnx@37271abcf5d7');
        const old = before.find((s) => s.person === sample.person)!;
        // Another embedding space: the same photo's vectors are unrelated.
        expect(Math.abs(dot(sample.embedding, old.embedding))).toBeLessThan(0.5);
      }
      // The live gallery holds the new vectors: photo 2 of each person is named right.
      const recognition = app.get(RecognitionService);
      const gallery = app.get(GalleryService);
      for (const name of names) {
        const { faces } = await recognition.analyzePhoto(photo(name, 2));
        expect(gallery.match(faces[0].embedding, recognition.matchPolicy).name).toBe(name);
      }
    });

    // And back: the bundled model re-embeds them again.
    const back = await withApp({}, samplesOf);
    expect(back.map((s) => s.modelId)).toEqual(names.map(() => 'yunet-2023mar+edgeface-xs'));
    for (const sample of back) expect(dot(sample.embedding, before.find((s) => s.person === sample.person)!.embedding)).toBeGreaterThan(0.999);
  });
});
