import { Gallery } from '../recognition/matching/gallery';
import { matchFace } from '../recognition/matching/matcher';
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

/** Time to name one face against `people` enrolled vectors (one sample each), as the matcher does it. */
export function benchGalleryMatch(people: number, dimension = 512, queries = 40): Summary {
  const gallery = new Gallery(dimension, people);
  randomUnitVectors(people, dimension).forEach((embedding, i) => gallery.add({ sampleId: i + 1, personId: i + 1, embedding }));
  const probes = randomUnitVectors(queries, dimension, 99);
  const policy = { threshold: 0.3, margin: 0.05 };
  const times = probes.map((probe) => {
    const started = performance.now();
    matchFace(probe, gallery, () => 'x', policy);
    return performance.now() - started;
  });
  return summarise(times.slice(3)); // the first calls include JIT compilation
}
