import type { ValueTransformer } from 'typeorm';

/** Float32Array <-> blob of its raw (little-endian on every platform we run on) bytes. */
export const float32Blob: ValueTransformer = {
  to: (vector: Float32Array | null | undefined) => vector && Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
  // Copy: a Buffer from the driver may sit at an offset that is not 4-byte aligned.
  from: (blob: Buffer | null) => blob && new Float32Array(new Uint8Array(blob).buffer),
};
