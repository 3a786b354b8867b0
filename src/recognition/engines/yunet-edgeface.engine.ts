import { join } from 'node:path';
import { cv, Mat } from '../../common/opencv';
import type { BgrImage, Box, DetectedFace, SmallFacePass } from '../face.types';
import { DEFAULT_EMBEDDING_INPUT, type EmbeddingModelSpec } from './embedding-model';
import type { DetectOptions, FaceEngine } from './face-engine';
import { OnnxEmbedder } from './onnx-embedder';
import { confirmationMosaic, DEFAULT_SMALL_FACE_PASS, facesFromMosaic, mergePasses, offsetFace, planSmallFacePasses, type Region } from './detection-tiles';
import { decodeYunet, padToMultiple, unscaleFace, YUNET_OUTPUT_NAMES, YUNET_STRIDES, type YunetLevel } from './yunet-decoder';

export const YUNET_MODEL_FILE = 'face_detection_yunet_2023mar.onnx';
export const EDGEFACE_MODEL_FILE = 'edgeface_xs.onnx';
const DETECTOR_ID = 'yunet-2023mar';
/** The bundled model's id, as stored with every sample since the first release. */
const BUILT_IN_MODEL_ID = `${DETECTOR_ID}+edgeface-xs`;
/** Faces at least this tall in YuNet's input are found reliably by the downscaled pass alone. */
const RELIABLE_FACE_PX = 32;
/** Weak candidates of the downscaled pass scoring at least this are checked at full resolution. */
const PROPOSAL_MIN_SCORE = 0.45;

export interface YunetEngineSettings {
  /**
   * When frames are downscaled for detection, also run YuNet at full resolution around the
   * small faces of the previous frame and around the downscaled pass's small weak candidates
   * ('regions'), plus on one rotating tile every other frame ('tiles'); see detection-tiles.ts.
   */
  smallFacePass?: SmallFacePass;
  /** An embedding model of the user's own (EMBEDDING_MODEL) instead of the bundled EdgeFace-XS. */
  embeddingModel?: EmbeddingModelSpec;
}

/**
 * YuNet 2023mar (OpenCV DNN) finds faces and their 5 landmarks; each face is aligned onto
 * the ArcFace template from the full-resolution image and embedded by EdgeFace-XS, or by the
 * user's own model (onnxruntime, all faces of an image in one batch).
 */
export class YunetEdgefaceEngine implements FaceEngine {
  readonly modelId: string;
  readonly embeddingSize: number;

  /** Small-face pass state per stream (camera): the last frame's faces (for frames of that size) and a tile counter. */
  private readonly streams = new Map<string, { width: number; height: number; boxes: DetectedFace['box'][]; tileCounter: number }>();

  private constructor(
    private readonly detector: ReturnType<typeof cv.readNetFromONNX>,
    /** A second YuNet for detectAround (see there). */
    private readonly confirmer: ReturnType<typeof cv.readNetFromONNX>,
    private readonly embedder: OnnxEmbedder,
    private readonly settings: YunetEngineSettings,
  ) {
    const own = settings.embeddingModel;
    this.modelId = own ? `${DETECTOR_ID}+${own.modelId}` : BUILT_IN_MODEL_ID;
    this.embeddingSize = embedder.size;
  }

  static async load(modelsDir: string, settings: YunetEngineSettings = {}): Promise<YunetEdgefaceEngine> {
    // OpenCV keeps its default threads: YuNet at 640 px took 10 ms with them, 14 ms with 1 thread.
    const detector = cv.readNetFromONNX(join(modelsDir, YUNET_MODEL_FILE));
    const confirmer = cv.readNetFromONNX(join(modelsDir, YUNET_MODEL_FILE));
    const own = settings.embeddingModel;
    const embedder = own
      ? await OnnxEmbedder.load(own.path, own.input, `EMBEDDING_MODEL=${own.path}`)
      : await OnnxEmbedder.load(join(modelsDir, EDGEFACE_MODEL_FILE), DEFAULT_EMBEDDING_INPUT, `the bundled ${EDGEFACE_MODEL_FILE}`);
    return new YunetEdgefaceEngine(detector, confirmer, embedder, settings);
  }

  async detect(image: BgrImage, options: DetectOptions): Promise<DetectedFace[]> {
    const scale = options.maxInputWidth > 0 && image.width > options.maxInputWidth ? options.maxInputWidth / image.width : 1;
    const source = bgrToMat(image);
    try {
      const frame = { x: 0, y: 0, width: image.width, height: image.height };
      const mode = options.smallFacePass ?? this.settings.smallFacePass ?? 'off';
      // The pass follows faces from frame to frame: video only (still photos have no stream).
      if (mode === 'off' || scale === 1 || options.stream === undefined) return this.detectIn(source, frame, scale, options.minScore);
      const candidates = this.detectIn(source, frame, scale, Math.min(options.minScore, PROPOSAL_MIN_SCORE));
      const whole = candidates.filter((f) => f.score >= options.minScore);
      const proposals = candidates.filter((f) => f.score < options.minScore).map((f) => f.box);
      return this.withSmallFacePasses(options.stream, source, whole, proposals, mode, scale, options.minScore);
    } finally {
      source.release();
    }
  }

  async detectAround(image: BgrImage, boxes: Box[], minScore: number): Promise<DetectedFace[]> {
    if (boxes.length === 0) return [];
    const { cells, width, height } = confirmationMosaic(boxes, image.width, image.height);
    const mats: Mat[] = [];
    try {
      const source = track(mats, bgrToMat(image));
      // From a zeroed buffer: the binding's fill-value constructor takes ~5 ms for this size.
      const mosaic = track(mats, new cv.Mat(Buffer.alloc(width * height * 3), height, width, cv.CV_8UC3));
      for (const cell of cells) {
        const { region } = cell;
        const crop = track(mats, source.getRegion(new cv.Rect(region.x, region.y, region.width, region.height)));
        const scaled = cell.scale === 1 ? crop : track(mats, crop.resize(cell.height, cell.width, 0, 0, cv.INTER_AREA));
        // Into the cell's window of the mosaic (a view: copyTo writes the mosaic's pixels).
        scaled.copyTo(track(mats, mosaic.getRegion(new cv.Rect(cell.left, 0, cell.width, cell.height))));
      }
      // Its own network: the mosaic's input size rarely changes, while the main detector's
      // changes with every region it runs on (a new size costs a re-allocation).
      const levels = runYunet(this.confirmer, mosaic, width, height, mats);
      return facesFromMosaic(decodeYunet(levels, width, height, { minScore }), cells, image.width, image.height);
    } finally {
      for (const m of mats.reverse()) m.release();
    }
  }

  /** Adds the full-resolution passes around last frame's small faces and on this frame's tile. */
  private withSmallFacePasses(
    stream: string,
    source: Mat,
    whole: DetectedFace[],
    proposals: DetectedFace['box'][],
    mode: SmallFacePass,
    scale: number,
    minScore: number,
  ): DetectedFace[] {
    const { cols: width, rows: height } = source;
    const state = this.streams.get(stream) ?? { width, height, boxes: [], tileCounter: 0 };
    const previous = state.width === width && state.height === height ? state.boxes : [];
    // Track a face with its own region while the downscaled pass sees it under RELIABLE_FACE_PX.
    const smallFaceMaxPx = RELIABLE_FACE_PX / scale;
    const tileOverlap = Math.round(smallFaceMaxPx * 1.2);
    const tileEvery = mode === 'tiles' ? DEFAULT_SMALL_FACE_PASS.tileEvery : 0;
    const plan = { ...DEFAULT_SMALL_FACE_PASS, smallFaceMaxPx, tileOverlap, tileEvery };
    const regions = planSmallFacePasses(width, height, previous, state.tileCounter++, plan, proposals);
    const passes = regions.map((region) => ({ region, faces: this.detectIn(source, region, 1, minScore) }));
    const faces = mergePasses(whole, passes, width, height);
    this.streams.set(stream, { width, height, boxes: faces.map((f) => f.box), tileCounter: state.tileCounter });
    return faces;
  }

  /** YuNet on one region of the image scaled by `scale`; faces in the image's coordinates. */
  private detectIn(source: Mat, region: Region, scale: number, minScore: number): DetectedFace[] {
    const width = Math.max(1, Math.round(region.width * scale));
    const height = Math.max(1, Math.round(region.height * scale));
    const paddedWidth = padToMultiple(width);
    const paddedHeight = padToMultiple(height);
    const levels = this.runDetector(source, region, width, height, paddedWidth, paddedHeight);
    const faces = decodeYunet(levels, paddedWidth, paddedHeight, { minScore });
    return faces.map((f) => offsetFace(unscaleFace(f, width / region.width, height / region.height), region.x, region.y));
  }

  async embed(image: BgrImage, faces: DetectedFace[]): Promise<Float32Array[]> {
    return (await this.embedMany([{ image, faces }]))[0];
  }

  async embedMany(items: ReadonlyArray<{ image: BgrImage; faces: DetectedFace[] }>): Promise<Float32Array[][]> {
    if (items.every((item) => item.faces.length === 0)) return items.map(() => []);
    const sources = items.map((item) => ({ source: bgrToMat(item.image), faces: item.faces }));
    try {
      return await this.embedder.embedMany(sources);
    } finally {
      for (const { source } of sources) source.release();
    }
  }

  forgetStream(stream: string): void {
    this.streams.delete(stream);
  }

  async dispose(): Promise<void> {
    await this.embedder.dispose();
  }

  /** Crops, resizes, pads and runs YuNet; returns its outputs as plain arrays. */
  private runDetector(image: Mat, region: Region, width: number, height: number, paddedWidth: number, paddedHeight: number): YunetLevel[] {
    const mats: Mat[] = [];
    try {
      const whole = region.x === 0 && region.y === 0 && region.width === image.cols && region.height === image.rows;
      const source = whole ? image : track(mats, image.getRegion(new cv.Rect(region.x, region.y, region.width, region.height)));
      const resized = width === region.width && height === region.height ? source : track(mats, source.resize(height, width, 0, 0, cv.INTER_AREA));
      const padded = track(mats, resized.copyMakeBorder(0, paddedHeight - height, 0, paddedWidth - width, cv.BORDER_CONSTANT, new cv.Vec3(0, 0, 0)));
      return runYunet(this.detector, padded, paddedWidth, paddedHeight, mats);
    } finally {
      for (const m of mats) m.release();
    }
  }
}

/** YuNet on an image whose sides are multiples of its stride; outputs as plain arrays (Mats made are added to `mats`). */
function runYunet(net: ReturnType<typeof cv.readNetFromONNX>, padded: Mat, paddedWidth: number, paddedHeight: number, mats: Mat[]): YunetLevel[] {
  // YuNet wants BGR 0..255 as is: no scaling, no mean, and no R/B swap (the binding's default is to swap).
  const blob = track(mats, cv.blobFromImage(padded, 1, new cv.Size(paddedWidth, paddedHeight), new cv.Vec3(0, 0, 0), false, false));
  net.setInput(blob);
  const outputs = net.forward([...YUNET_OUTPUT_NAMES]);
  outputs.forEach((m) => track(mats, m));
  const byName = new Map(YUNET_OUTPUT_NAMES.map((name, i) => [name, floatsOf(outputs[i])]));
  return YUNET_STRIDES.map((stride) => ({
    stride,
    cls: byName.get(`cls_${stride}`)!,
    obj: byName.get(`obj_${stride}`)!,
    bbox: byName.get(`bbox_${stride}`)!,
    kps: byName.get(`kps_${stride}`)!,
  }));
}

function track(mats: Mat[], mat: Mat): Mat {
  mats.push(mat);
  return mat;
}

/**
 * A packed BGR image as an OpenCV Mat over its own buffer, not a copy (2.7 MB per 720p call
 * otherwise): the engine only reads it. The caller releases it before the buffer can be reused
 * (frames are held by the main thread until the call returns).
 */
export function bgrToMat(image: BgrImage): Mat {
  const expected = image.width * image.height * 3;
  // A too-short buffer would make the binding read past its end.
  if (!(image.width > 0 && image.height > 0) || image.data.byteLength < expected) {
    throw new Error(`BGR image ${image.width}x${image.height} needs ${expected} bytes, got ${image.data.byteLength}`);
  }
  const buffer = Buffer.from(image.data.buffer, image.data.byteOffset, expected);
  return new cv.Mat(image.height, image.width, cv.CV_8UC3, buffer);
}

/** A copy of a float Mat's values; DNN outputs are 3-D ([1, cells, n]), which getData refuses. */
function floatsOf(mat: Mat): Float32Array {
  if (mat.type !== cv.CV_32F) throw new Error(`expected a float output, got Mat type ${mat.type}`);
  const total = mat.sizes.reduce((a, b) => a * b, 1);
  // A 2-D header over the same memory (no copy); released before its parent.
  const flat = mat.flattenFloat(total, 1);
  try {
    const bytes = flat.getData();
    // Copy into a fresh buffer: a Buffer need not start on a 4-byte boundary.
    const values = new Float32Array(total);
    new Uint8Array(values.buffer).set(bytes.subarray(0, total * 4));
    return values;
  } finally {
    flat.release();
  }
}
