import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import type { GallerySnapshot } from './gallery';

/**
 * The boundary around onnxruntime for gallery search: all faces of a frame against every
 * enrolled vector as one matrix product (Gemm, faces x gallery^T) in native code, off the event
 * loop. With 100,000 vectors of 512 values that is 51 M multiply-adds: ~38 ms as a JavaScript
 * loop, ~8 ms in onnxruntime's vectorised kernel (int8 MatMulInteger measured slower: 20 ms).
 */
export class OnnxGalleryScorer {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(): Promise<OnnxGalleryScorer> {
    // The product streams the whole gallery from memory (205 MB at 100,000 vectors): it is bound
    // by memory bandwidth, which two threads use better (13.6 -> 8.3 ms here). Searches this
    // large are bursts (a new face to name), so taking both cores briefly costs the stream little.
    const session = await ort.InferenceSession.create(gemmModel(), {
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return new OnnxGalleryScorer(session);
  }

  /** One similarity per gallery row for each query (queries and rows L2-normalised: cosine). */
  async similarities(queries: readonly Float32Array[], gallery: GallerySnapshot): Promise<Float32Array[]> {
    if (queries.length === 0 || gallery.size === 0) return queries.map(() => new Float32Array(0));
    const { dimension, size } = gallery;
    const faces = new Float32Array(queries.length * dimension);
    queries.forEach((query, i) => faces.set(query, i * dimension));
    const output = await this.session.run({
      faces: new ort.Tensor('float32', faces, [queries.length, dimension]),
      gallery: new ort.Tensor('float32', gallery.vectors, [size, dimension]),
    });
    const scores = output.similarity.data as Float32Array;
    return queries.map((_, i) => scores.subarray(i * size, (i + 1) * size));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** A one-node ONNX graph, built in memory: similarity[F, N] = faces[F, D] x gallery[N, D]^T. */
function gemmModel(): Uint8Array {
  const { DataType } = onnx.TensorProto;
  const matrix = (name: string, rows: string, cols: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: rows }, { dimParam: cols }] } } },
    });
  const graph = onnx.GraphProto.create({
    name: 'gallery_similarity',
    node: [
      onnx.NodeProto.create({
        opType: 'Gemm',
        input: ['faces', 'gallery'],
        output: ['similarity'],
        attribute: [onnx.AttributeProto.create({ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
      }),
    ],
    input: [matrix('faces', 'F', 'D'), matrix('gallery', 'N', 'D')],
    output: [matrix('similarity', 'F', 'N')],
  });
  const model = onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'face-stream', graph });
  return onnx.ModelProto.encode(model).finish();
}
