import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BgrImage } from '../../src/recognition/face.types';
import { InferenceClient } from '../../src/recognition/inference/inference.client';
import { VisionThread } from '../../src/vision/vision-thread';
import { dot } from '../../src/recognition/matching/similarity';

/** Embeddings are L2-normalised: their dot product is the cosine similarity. */
const cosine = (a: Float32Array, b: Float32Array) => dot(a, b);

jest.setTimeout(120_000);

const PEOPLE = resolve(__dirname, '../../../shared/testdata/people');
const MODELS = resolve(__dirname, '../../models');

/** Decoded by the vision thread (OpenCV does not load inside Jest's module system). */
function photo(name: string, n: number): Promise<BgrImage> {
  return VisionThread.shared().call('decodePhoto', [readFileSync(resolve(PEOPLE, name, `${name}_${String(n).padStart(4, '0')}.jpg`))]);
}

/**
 * Cameras' embedding requests batched into one call of the vision thread (EmbeddingBatcher):
 * each camera's faces are embedded from its own frame, exactly as one call each would.
 */
describe('embedding requests of several cameras in one batch (real vision thread, EdgeFace-XS)', () => {
  const client = new InferenceClient({ engine: 'yunet-edgeface', modelsDir: MODELS, detectionWidth: 640, minScore: 0.6 });
  const cameras = [
    { stream: 'cam-a', person: 'Gordon_Brown', image: undefined as unknown as BgrImage },
    { stream: 'cam-b', person: 'Ann_Veneman', image: undefined as unknown as BgrImage },
    { stream: 'cam-c', person: 'Edmund_Stoiber', image: undefined as unknown as BgrImage },
  ];

  beforeAll(async () => {
    await client.start();
    for (const c of cameras) c.image = await photo(c.person, 1);
  });

  it('gives every camera the embeddings of its own frame, batched while a call is in flight', async () => {
    const detections = await Promise.all(cameras.map((c) => client.detectFrame({ stream: c.stream, index: 1 }, c.image)));
    detections.forEach((d) => expect(d.faces.length).toBeGreaterThan(0));
    // One at a time first: the reference each camera must get back from a batch.
    const alone: Float32Array[][] = [];
    for (const [i, c] of cameras.entries()) alone.push((await client.embedFaces({ stream: c.stream, index: 1 }, detections[i].faces)).embeddings);
    const before = client.embeddingBatches;

    const together = await Promise.all(cameras.map((c, i) => client.embedFaces({ stream: c.stream, index: 1 }, detections[i].faces)));

    const after = client.embeddingBatches;
    expect(after.requests - before.requests).toBe(3);
    // Requests that come while a call is in flight go together: fewer calls than requests.
    expect(after.calls - before.calls).toBeGreaterThanOrEqual(1);
    expect(after.calls - before.calls).toBeLessThan(3);
    together.forEach((result, i) => {
      expect(result.embeddings).toHaveLength(alone[i].length);
      result.embeddings.forEach((e, j) => expect(cosine(e, alone[i][j])).toBeGreaterThan(0.999));
      // And not someone else's face: the other cameras' people are far from it.
      for (const [k, other] of alone.entries()) if (k !== i) expect(cosine(result.embeddings[0], other[0])).toBeLessThan(0.6);
    });
  });

  it('fails only the request whose frame is gone, not the others in its batch', async () => {
    const a = await client.detectFrame({ stream: 'cam-a', index: 2 }, cameras[0].image);
    const b = await client.detectFrame({ stream: 'cam-b', index: 2 }, cameras[1].image);
    const c = await client.detectFrame({ stream: 'cam-c', index: 2 }, cameras[2].image);
    const results = await Promise.allSettled([
      client.embedFaces({ stream: 'cam-a', index: 2 }, a.faces),
      client.embedFaces({ stream: 'cam-b', index: 1 }, b.faces), // cam-b holds frame 2 now
      client.embedFaces({ stream: 'cam-c', index: 2 }, c.faces),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'FRAME_GONE' });
  });
});
