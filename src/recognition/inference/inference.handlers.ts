/**
 * Inference, served from the vision thread (the one thread that owns OpenCV): the engine
 * (models, onnxruntime or tfjs) and photo decoding, answering InferenceClient's calls.
 */
import { imageSize } from 'image-size';
import { cv, Mat } from '../../common/opencv';
import { describeError, WorkerCallError } from '../../common/worker-rpc';
import { createEngine } from '../engines/create-engine';
import type { FaceEngine } from '../engines/face-engine';
import type { BgrImage, Box, DetectedFace, EmbeddedFace } from '../face.types';
import { PHOTO_UNDECODABLE, type EngineInfo, type InferenceApi, type InferenceOptions, type PhotoAnalysis, type PhotoFace } from './inference.protocol';

/** Photos with a longer side than this are downscaled for detection only (faces are embedded at full resolution). */
const PHOTO_DETECTION_MAX_SIDE = 1600;
/** Decoding more pixels than this would take gigabytes: refuse before decoding. */
const PHOTO_MAX_PIXELS = 50_000_000;
const THUMBNAIL_SIZE = 160;
/** Thumbnail side relative to the larger side of the face box. */
const THUMBNAIL_MARGIN = 1.6;
const THUMBNAIL_JPEG_QUALITY = 85;

let engine: FaceEngine | undefined;
let settings: InferenceOptions | undefined;

async function init(options: InferenceOptions): Promise<EngineInfo> {
  // Another app instance in this process (tests) asking for the same engine: keep it.
  if (engine && settings && JSON.stringify(settings) === JSON.stringify(options)) return engineInfo(engine, options);
  await engine?.dispose();
  engine = await createEngine(options);
  settings = options;
  await warmUp(engine, options);
  return engineInfo(engine, options);
}

function engineInfo(e: FaceEngine, options: InferenceOptions): EngineInfo {
  return { engine: options.engine, modelId: e.modelId, embeddingSize: e.embeddingSize };
}

/** The first run of each model allocates and compiles; pay for it now rather than on the first frame. */
async function warmUp(e: FaceEngine, options: InferenceOptions): Promise<void> {
  const image: BgrImage = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(128) };
  await e.detect(image, { maxInputWidth: options.detectionWidth, minScore: options.minScore });
  const fake: DetectedFace = {
    box: { x: 270, y: 190, width: 100, height: 100 },
    landmarks: [[300, 220], [340, 220], [320, 245], [303, 270], [337, 270]],
    score: 1,
  };
  // Engines that only embed faces they detected themselves refuse this: that is fine.
  await e.embed(image, [fake]).catch(() => undefined);
}

async function analyzeFrame(image: BgrImage): Promise<EmbeddedFace[]> {
  const [e, options] = ready();
  const faces = await e.detect(image, { maxInputWidth: options.detectionWidth, minScore: options.minScore });
  return withEmbeddings(e, image, faces);
}

async function analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis> {
  const [e, options] = ready();
  const mat = await decodePhoto(encoded);
  try {
    const image = matToBgr(mat);
    const longest = Math.max(image.width, image.height);
    const maxInputWidth = longest > PHOTO_DETECTION_MAX_SIDE ? Math.round((image.width * PHOTO_DETECTION_MAX_SIDE) / longest) : 0;
    const detected = await e.detect(image, { maxInputWidth, minScore: options.minScore });
    const faces = (await withEmbeddings(e, image, detected)).sort((a, b) => area(b.box) - area(a.box));
    return {
      width: image.width,
      height: image.height,
      faces: faces.map((face): PhotoFace => ({ ...face, thumbnailJpeg: thumbnail(mat, face.box) })),
    };
  } finally {
    mat.release();
  }
}

async function withEmbeddings(e: FaceEngine, image: BgrImage, faces: DetectedFace[]): Promise<EmbeddedFace[]> {
  const embeddings = await e.embed(image, faces);
  return faces.map((face, i) => ({ ...face, embedding: embeddings[i] }));
}

function ready(): [FaceEngine, InferenceOptions] {
  if (!engine || !settings) throw new WorkerCallError('inference engine not initialised', 'NOT_INITIALISED');
  return [engine, settings];
}

/**
 * Encoded bytes to a 3-channel BGR Mat, upright per EXIF orientation (IMREAD_COLOR applies
 * it, and turns grey, CMYK and RGBA into BGR). Anything unusable becomes PHOTO_UNDECODABLE;
 * nothing here may take the process down.
 */
async function decodePhoto(encoded: Uint8Array): Promise<Mat> {
  // The synchronous imdecode aborts the whole process on an empty buffer or an oversized
  // header (uncaught C++ exception); the async one rejects instead, so only it is used.
  if (!(encoded instanceof Uint8Array) || encoded.byteLength === 0) {
    throw new WorkerCallError('the photo is empty', PHOTO_UNDECODABLE);
  }
  refuseHugePhoto(encoded);
  let mat: Mat;
  try {
    mat = await cv.imdecodeAsync(Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength), cv.IMREAD_COLOR);
  } catch (err) {
    throw new WorkerCallError(`the photo could not be decoded: ${describeError(err)}`, PHOTO_UNDECODABLE);
  }
  // Random bytes and truncated PNGs come back as an empty Mat, not an error.
  if (mat.empty || mat.rows === 0 || mat.cols === 0 || mat.type !== cv.CV_8UC3) {
    mat.release();
    throw new WorkerCallError('the photo is not a decodable image', PHOTO_UNDECODABLE);
  }
  return mat;
}

/** A few bytes of header can claim gigapixels (decompression bombs): check before decoding. */
function refuseHugePhoto(encoded: Uint8Array): void {
  let size: { width?: number; height?: number };
  try {
    size = imageSize(encoded);
  } catch {
    return; // a format image-size does not know: OpenCV's own 1-gigapixel limit still applies
  }
  if ((size.width ?? 0) * (size.height ?? 0) > PHOTO_MAX_PIXELS) {
    throw new WorkerCallError(`the photo claims ${size.width}x${size.height} pixels, more than ${PHOTO_MAX_PIXELS}`, PHOTO_UNDECODABLE);
  }
}

/** A square JPEG around the face with some margin, kept inside the photo. */
function thumbnail(photo: Mat, box: Box): Uint8Array {
  const region = thumbnailRegion(box, photo.cols, photo.rows);
  const crop = photo.getRegion(new cv.Rect(region.x, region.y, region.width, region.height));
  let resized: Mat | undefined;
  try {
    resized = crop.resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, 0, 0, region.width > THUMBNAIL_SIZE ? cv.INTER_AREA : cv.INTER_LINEAR);
    return new Uint8Array(cv.imencode('.jpg', resized, [cv.IMWRITE_JPEG_QUALITY, THUMBNAIL_JPEG_QUALITY]));
  } finally {
    resized?.release();
    crop.release();
  }
}

function thumbnailRegion(box: Box, width: number, height: number): Box {
  const side = Math.max(1, Math.min(Math.round(Math.max(box.width, box.height) * THUMBNAIL_MARGIN), width, height));
  const clampStart = (start: number, limit: number) => Math.min(Math.max(0, Math.round(start)), limit - side);
  return {
    x: clampStart(box.x + box.width / 2 - side / 2, width),
    y: clampStart(box.y + box.height / 2 - side / 2, height),
    width: side,
    height: side,
  };
}

/** Packs a decoded CV_8UC3 Mat into a BgrImage (copies the pixels). */
function matToBgr(mat: Mat): BgrImage {
  return { width: mat.cols, height: mat.rows, data: new Uint8Array(mat.getData()) };
}

function area(box: Box): number {
  return box.width * box.height;
}

export const inferenceHandlers: InferenceApi = { init, analyzeFrame, analyzePhoto };
