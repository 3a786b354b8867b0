import { GalleryService } from '../recognition/gallery.service';
import { l2Normalize } from '../recognition/matching/similarity';
import { summarise, Summary } from './stats';

/** Deterministic pseudo-random unit vectors (the numbers must not depend on Math.random). */
function randomUnitVectors(count: number, dimension: number, seed = 1): Float32Array[] {
  let state = seed;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => l2Normalize(Float32Array.from({ length: dimension }, next)));
}

export interface GalleryBench {
  /** Naming one face (what a frame with one new face costs). */
  oneFace: Summary;
  /** Naming three faces of a frame in one call. */
  threeFaces: Summary;
  /** Whether the search ran in onnxruntime (large galleries) or as a JavaScript loop. */
  native: boolean;
}

/**
 * Time to name faces against `people` enrolled vectors (one sample each) through the server's
 * GalleryService.matchAll: the same search, snapshotting and decision as a live frame.
 */
export async function benchGalleryMatch(people: number, dimension = 512, queries = 40): Promise<GalleryBench> {
  const gallery = new GalleryService();
  gallery.reset(dimension);
  randomUnitVectors(people, dimension).forEach((embedding, i) => gallery.setPerson(i + 1, `person ${i + 1}`, [{ sampleId: i + 1, embedding }]));
  const probes = randomUnitVectors(queries, dimension, 99);
  const policy = { threshold: 0.3, margin: 0.05 };
  const time = async (faces: Float32Array[]) => {
    const started = performance.now();
    await gallery.matchAll(faces, policy);
    return performance.now() - started;
  };
  const oneFace: number[] = [];
  const threeFaces: number[] = [];
  for (let i = 0; i + 3 <= probes.length; i += 3) {
    oneFace.push(await time([probes[i]]));
    threeFaces.push(await time(probes.slice(i, i + 3)));
  }
  await gallery.onModuleDestroy();
  // The first calls include JIT compilation and the native session's creation.
  return { oneFace: summarise(oneFace.slice(2)), threeFaces: summarise(threeFaces.slice(2)), native: gallery.searchesNatively };
}
