/** Scales a vector to unit length in place and returns it (zero vectors stay zero). */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

/**
 * Cosine similarity of two unit vectors (`b` read from `bOffset`). Four independent sums let
 * the CPU overlap the multiply-adds: this loop is the whole cost of a gallery search.
 */
export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const j = bOffset + i;
    s0 += a[i] * b[j];
    s1 += a[i + 1] * b[j + 1];
    s2 += a[i + 2] * b[j + 2];
    s3 += a[i + 3] * b[j + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}
