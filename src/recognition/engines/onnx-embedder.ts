import * as ort from 'onnxruntime-node';
import { cv, Mat } from '../../common/opencv';
import type { DetectedFace } from '../face.types';
import { l2Normalize } from '../matching/similarity';
import { ALIGNED_SIZE, alignmentMatrix } from './alignment';
import { inputShapeProblem, type EmbeddingInput } from './embedding-model';

/**
 * An ONNX face-embedding model run by onnxruntime: faces aligned on their 5 landmarks onto the
 * ArcFace template (scaled to the model's input size), written as NCHW float32 in the model's
 * channel order and normalisation, all faces of an image in one batch. The output size is read
 * from the model (a trial run at load), so any [N, D] embedding model fits.
 */
export class OnnxEmbedder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly input: EmbeddingInput,
    /** Floats per face in the output. */
    readonly size: number,
  ) {}

  /**
   * Loads and checks the model; errors start with `label` (e.g. `EMBEDDING_MODEL=/path`) so a
   * bad model stops the server with a message naming the setting.
   */
  static async load(path: string, input: EmbeddingInput, label: string): Promise<OnnxEmbedder> {
    let session: ort.InferenceSession;
    try {
      // onnxruntime on one thread: its default threading fought OpenCV for the 2 cores (~7 ms
      // per face instead of ~3).
      session = await ort.InferenceSession.create(path, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new Error(`${label}: onnxruntime cannot load it as an ONNX model: ${(err as Error).message}`);
    }
    const meta = session.inputMetadata?.[0];
    const shapeProblem = meta && 'shape' in meta ? inputShapeProblem(meta.shape, input) : undefined;
    if (shapeProblem) {
      await session.release();
      throw new Error(`${label}: ${shapeProblem}`);
    }
    const side = input.size;
    let size: number;
    try {
      const output = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(3 * side * side), [1, 3, side, side]) });
      size = (output[session.outputNames[0]].data as Float32Array).length;
    } catch (err) {
      await session.release();
      throw new Error(`${label}: running it on a [1, 3, ${side}, ${side}] face failed (check EMBEDDING_INPUT_SIZE): ${(err as Error).message}`);
    }
    if (size < 2) {
      await session.release();
      throw new Error(`${label}: its first output has ${size} value(s) per face, not an embedding`);
    }
    return new OnnxEmbedder(session, input, size);
  }

  /** One L2-normalised vector per face, in order. */
  async embed(source: Mat, faces: DetectedFace[]): Promise<Float32Array[]> {
    return (await this.embedMany([{ source, faces }]))[0];
  }

  /** The faces of several images (cameras) in one batch: per image, one vector per face in order. */
  async embedMany(items: ReadonlyArray<{ source: Mat; faces: DetectedFace[] }>): Promise<Float32Array[][]> {
    const count = items.reduce((sum, item) => sum + item.faces.length, 0);
    if (count === 0) return items.map(() => []);
    const side = this.input.size;
    const perFace = 3 * side * side;
    const batch = new Float32Array(count * perFace);
    let at = 0;
    for (const { source, faces } of items) for (const face of faces) writeAlignedFace(source, face, this.input, batch, at++ * perFace);
    const tensor = new ort.Tensor('float32', batch, [count, 3, side, side]);
    const output = await this.session.run({ [this.session.inputNames[0]]: tensor });
    const data = output[this.session.outputNames[0]].data as Float32Array;
    let next = 0;
    return items.map(({ faces }) => faces.map(() => l2Normalize(data.slice(next * this.size, ++next * this.size))));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Warps one face onto the template at the input's size and writes its planes, normalised, from `offset`. */
function writeAlignedFace(source: Mat, face: DetectedFace, input: EmbeddingInput, out: Float32Array, offset: number): void {
  const side = input.size;
  const plane = side * side;
  // The template is defined for 112 px; a model of another size gets it scaled.
  const m = alignmentMatrix(face.landmarks).map((v) => (v * side) / ALIGNED_SIZE);
  const matrix = new cv.Mat([[m[0], m[1], m[2]], [m[3], m[4], m[5]]], cv.CV_64F);
  let aligned: Mat | undefined;
  try {
    aligned = source.warpAffine(matrix, new cv.Size(side, side), cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Vec3(0, 0, 0));
    const bgr = aligned.getData();
    for (let c = 0; c < 3; c++) {
      // The pixels are BGR: model channel c is byte 2 - c for an RGB model.
      const byte = input.channelOrder === 'RGB' ? 2 - c : c;
      const mean = input.mean[c];
      const scale = 1 / input.std[c];
      const start = offset + c * plane;
      for (let p = 0; p < plane; p++) out[start + p] = (bgr[p * 3 + byte] - mean) * scale;
    }
  } finally {
    matrix.release();
    aligned?.release();
  }
}
