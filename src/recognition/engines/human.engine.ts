import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config, FaceResult, Human } from '@vladmandic/human';
import type { BgrImage, DetectedFace, Point } from '../face.types';
import { l2Normalize } from '../matching/similarity';
import { ARCFACE_TEMPLATE } from './alignment';
import type { DetectOptions, FaceEngine } from './face-engine';
import { iou } from '../box-geometry';

// The package's exports map only offers the tfjs-node build (not installable here), so the
// WASM build is loaded by file path; models and .wasm files come from the installed packages.
const HUMAN_DIST = dirname(require.resolve('@vladmandic/human'));
const HUMAN_WASM_BUILD = join(HUMAN_DIST, 'human.node-wasm.js');
const HUMAN_MODELS = join(HUMAN_DIST, '..', 'models');
const TFJS_WASM_DIST = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

const EMBEDDING_SIZE = 1024;
/** A face asked for by embed() must overlap one Human found this much to take its vector. */
const SAME_FACE_IOU = 0.5;

/** ArcFace mouth-corner spacing relative to eye spacing, for estimating corners from BlazeFace's mouth centre. */
const MOUTH_TO_EYE_WIDTH =
  (ARCFACE_TEMPLATE[4][0] - ARCFACE_TEMPLATE[3][0]) / (ARCFACE_TEMPLATE[1][0] - ARCFACE_TEMPLATE[0][0]);

interface Analysed {
  face: DetectedFace;
  embedding: Float32Array;
}

/**
 * @vladmandic/human (BlazeFace + faceres) on the tfjs WASM backend. Human detects and
 * describes in one pass, so detect() keeps the vectors and embed() hands them out for
 * the same image object (running Human again only for an image it has not seen last).
 */
export class HumanEngine implements FaceEngine {
  readonly modelId = 'human-3.3.6-blazeface+faceres';
  readonly embeddingSize = EMBEDDING_SIZE;
  private last?: { image: BgrImage; minScore: number; faces: Analysed[] };

  private constructor(private readonly human: Human) {}

  static async load(options: { maxDetected?: number; minConfidence?: number } = {}): Promise<HumanEngine> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Human: HumanClass } = require(HUMAN_WASM_BUILD) as { Human: new (config: Partial<Config>) => Human };
    const human = new HumanClass(humanConfig(options.maxDetected ?? 20, options.minConfidence ?? 0.5));
    registerFileLoader(human.tf);
    await human.load();
    if (!human.models.loaded().includes('blazeface') || !human.models.loaded().includes('faceres')) {
      throw new Error(`Human failed to load its models from ${HUMAN_MODELS} (loaded: ${human.models.loaded().join(', ')})`);
    }
    return new HumanEngine(human);
  }

  /** Live tensors in the tfjs engine (must stay flat from frame to frame). */
  get tensorCount(): number {
    return this.human.tf.memory().numTensors;
  }

  /**
   * BlazeFace always looks at a 256x256 resize of the whole image, so downscaling first
   * (maxInputWidth) would not make it faster and only blurs faceres' crops: ignored.
   */
  async detect(image: BgrImage, options: DetectOptions): Promise<DetectedFace[]> {
    const faces = await this.analyse(image, options.minScore);
    return faces.map((a) => a.face);
  }

  async embed(image: BgrImage, faces: DetectedFace[]): Promise<Float32Array[]> {
    if (faces.length === 0) return [];
    const analysed = this.last?.image === image ? this.last.faces : await this.analyse(image, Math.min(...faces.map((f) => f.score)));
    return faces.map((face) => {
      let best: Analysed | undefined;
      let bestIou = SAME_FACE_IOU;
      for (const a of analysed) {
        const overlap = iou(a.face.box, face.box);
        if (overlap >= bestIou) [best, bestIou] = [a, overlap];
      }
      if (!best) throw new Error('Human found no face at the requested box');
      return best.embedding;
    });
  }

  async dispose(): Promise<void> {
    this.last = undefined;
    this.human.models.reset();
  }

  private async analyse(image: BgrImage, minScore: number): Promise<Analysed[]> {
    const input = this.human.tf.tidy(() => rgbTensor(this.human.tf, image));
    try {
      const result = await this.human.detect(input, { face: { detector: { minConfidence: minScore } } } as Partial<Config>);
      if (result.error) throw new Error(`Human: ${result.error}`);
      const faces = result.face.filter((f) => f.embedding && f.embedding.length === EMBEDDING_SIZE).map(toAnalysed);
      this.last = { image, minScore, faces };
      return faces;
    } finally {
      this.human.tf.dispose(input);
    }
  }
}

function humanConfig(maxDetected: number, minConfidence: number): Partial<Config> {
  const off = { enabled: false };
  return {
    backend: 'wasm',
    wasmPath: `${TFJS_WASM_DIST}/`,
    modelBasePath: `${pathToFileURL(HUMAN_MODELS).href}/`,
    debug: false,
    async: false,
    warmup: 'none',
    cacheModels: false,
    // Every image is judged on its own: no reuse of boxes or results from earlier frames.
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    gesture: off,
    body: off,
    hand: off,
    object: off,
    segmentation: off,
    face: {
      enabled: true,
      detector: { modelPath: 'blazeface.json', maxDetected, minConfidence, rotation: false, skipFrames: 0, skipTime: 0, return: false },
      // Measured with the mesh on: LFW fold 1 96.5 % vs 96.7 % off, no faster: BlazeFace's keypoints suffice.
      mesh: off,
      attention: off,
      iris: off,
      emotion: off,
      antispoof: off,
      liveness: off,
      gear: off,
      description: { enabled: true, modelPath: 'faceres.json', skipFrames: 0, skipTime: 0, minConfidence: 0 },
    },
  } as Partial<Config>;
}

/** [1, h, w, 3] float32 RGB 0..255 from packed BGR. */
function rgbTensor(tf: Human['tf'], image: BgrImage): unknown {
  const { width, height, data } = image;
  const n = width * height;
  if (data.byteLength < n * 3) throw new Error(`BGR image ${width}x${height} needs ${n * 3} bytes, got ${data.byteLength}`);
  const rgb = new Float32Array(n * 3);
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    rgb[i] = data[i + 2];
    rgb[i + 1] = data[i + 1];
    rgb[i + 2] = data[i];
  }
  return tf.tensor(rgb, [1, height, width, 3], 'float32');
}

function toAnalysed(f: FaceResult): Analysed {
  const [x, y, width, height] = f.box;
  return {
    face: { box: { x, y, width, height }, landmarks: arcfaceLandmarks(f), score: f.boxScore ?? f.score },
    embedding: l2Normalize(Float32Array.from(f.embedding!)),
  };
}

/**
 * The five ArcFace points from BlazeFace's six keypoints (Human lists them as its
 * "leftEye", "rightEye", nose, mouth centre, ears; its "leftEye" is on the picture's left,
 * i.e. the person's right eye). BlazeFace has no mouth corners: they are placed on a line
 * through the mouth centre parallel to the eyes, as far apart as in the ArcFace template.
 */
export function arcfaceLandmarks(f: Pick<FaceResult, 'mesh'>): Point[] {
  const [eyeA, eyeB, nose, mouth] = f.mesh.map((p) => [p[0], p[1]] as Point);
  const [rightEye, leftEye] = eyeA[0] <= eyeB[0] ? [eyeA, eyeB] : [eyeB, eyeA];
  const half = MOUTH_TO_EYE_WIDTH / 2;
  const dx = (leftEye[0] - rightEye[0]) * half;
  const dy = (leftEye[1] - rightEye[1]) * half;
  return [rightEye, leftEye, nose, [mouth[0] - dx, mouth[1] - dy], [mouth[0] + dx, mouth[1] + dy]];
}

/**
 * Node's fetch refuses file:// URLs, so teach the tfjs IO registry to read a graph model
 * (model.json + weight shards) from disk.
 */
function registerFileLoader(tf: Human['tf']): void {
  tf.io.registerLoadRouter((url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    return { load: () => readGraphModel(fileURLToPath(url)) };
  });
}

async function readGraphModel(modelJsonPath: string): Promise<Record<string, unknown>> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  const weightSpecs: unknown[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) shards.push(await readFile(join(dirname(modelJsonPath), shard)));
  }
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}
