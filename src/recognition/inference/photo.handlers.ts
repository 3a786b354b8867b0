/**
 * Photo decoding and face thumbnails, served from the vision thread (they need OpenCV).
 * Nothing here may take the process down: every input is checked before OpenCV sees it.
 */
import { imageSize } from 'image-size';
import { cv, Mat } from '../../common/opencv';
import { describeError, WorkerCallError } from '../../common/worker-rpc';
import type { BgrImage, Box } from '../face.types';
import { PHOTO_UNDECODABLE, type PhotoApi } from './inference.protocol';

/** Decoding more pixels than this would take gigabytes: refuse before decoding. */
const PHOTO_MAX_PIXELS = 50_000_000;
const THUMBNAIL_SIZE = 160;
/** Thumbnail side relative to the larger side of the face box. */
const THUMBNAIL_MARGIN = 1.6;
const THUMBNAIL_JPEG_QUALITY = 85;

/**
 * Encoded bytes to a 3-channel BGR Mat, upright per EXIF orientation (IMREAD_COLOR applies
 * it, and turns grey, CMYK and RGBA into BGR). Anything unusable becomes PHOTO_UNDECODABLE;
 * nothing here may take the process down.
 */
async function decodeToMat(encoded: Uint8Array): Promise<Mat> {
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

async function decodeImage(encoded: Uint8Array): Promise<BgrImage> {
  const mat = await decodeToMat(encoded);
  try {
    return matToBgr(mat);
  } finally {
    mat.release();
  }
}

async function faceThumbnails(image: BgrImage, boxes: Box[]): Promise<Uint8Array[]> {
  if (image.data.byteLength !== image.width * image.height * 3) throw new Error('image buffer does not match its size');
  const mat = new cv.Mat(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.height, image.width, cv.CV_8UC3);
  try {
    return boxes.map((box) => thumbnail(mat, box));
  } finally {
    mat.release();
  }
}

export const photoHandlers: PhotoApi = { decodePhoto: decodeImage, faceThumbnails };
