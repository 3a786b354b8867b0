import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { imageSize } from 'image-size';

/** Formats the decoder is known to read, as image-size names them, with the extension stored photos get. */
const ACCEPTED_FORMATS = { jpg: '.jpg', png: '.png', webp: '.webp', bmp: '.bmp', tiff: '.tiff' } as const;
const ACCEPTED_NAMES = 'JPEG, PNG, WebP, BMP or TIFF';
export type AcceptedFormat = keyof typeof ACCEPTED_FORMATS;

/** How far from the end a JPEG's end-of-image marker may sit (some writers pad or append a short trailer). */
const JPEG_EOI_WINDOW_BYTES = 1024;

export interface UploadLimits {
  maxBytes: number;
  maxPixels: number;
}

/** What the header says about an upload that passed every check. */
export interface CheckedUpload {
  format: AcceptedFormat;
  /** File extension for the stored copy, chosen from the content, never from the client's file name. */
  extension: string;
  width: number;
  height: number;
}

/**
 * Every check on an uploaded image that needs no decoding: the cheap refusals happen
 * here, before a single pixel is decoded (a 4 KiB PNG can claim 10 gigapixels).
 * Throws Nest's HTTP exceptions so a controller's caller gets the right status as is.
 */
export function checkUpload(bytes: Uint8Array | undefined, limits: UploadLimits): CheckedUpload {
  if (!bytes) throw new BadRequestException('image is required (multipart file field "image")');
  if (bytes.length === 0) throw new BadRequestException('image is empty');
  if (bytes.length > limits.maxBytes) {
    throw new PayloadTooLargeException(`image is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  }

  const { format, width, height } = readHeader(bytes);
  if (width * height > limits.maxPixels) {
    throw new PayloadTooLargeException(
      `image is ${width}x${height} pixels (${width * height}); the limit is ${limits.maxPixels} pixels`,
    );
  }
  if (format === 'jpg' && !hasJpegEndMarker(bytes)) {
    // A cut-off JPEG decodes to a half-grey picture without any error, so refuse it up front.
    throw new BadRequestException('JPEG is truncated: no end-of-image marker');
  }
  return { format, extension: ACCEPTED_FORMATS[format], width, height };
}

function readHeader(bytes: Uint8Array): { format: AcceptedFormat; width: number; height: number } {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(ownMemory(bytes));
  } catch (err) {
    // image-size says "unsupported file type" when no format's signature matches; anything
    // else means a recognised signature followed by a header it could not read.
    if (err instanceof TypeError && /unsupported file type/.test(err.message)) {
      throw new UnsupportedMediaTypeException(`not an image: ${ACCEPTED_NAMES} expected`);
    }
    throw new BadRequestException('image header is corrupt');
  }
  if (!isAccepted(size.type)) {
    throw new UnsupportedMediaTypeException(`unsupported image format "${size.type}": ${ACCEPTED_NAMES} expected`);
  }
  if (!(size.width > 0 && size.height > 0)) throw new BadRequestException('image header gives no size');
  return { format: size.type, width: size.width, height: size.height };
}

function isAccepted(type: string | undefined): type is AcceptedFormat {
  return type !== undefined && Object.hasOwn(ACCEPTED_FORMATS, type);
}

/** True when the JPEG end-of-image marker (FF D9) occurs near the end of the bytes. */
export function hasJpegEndMarker(bytes: Uint8Array): boolean {
  const from = Math.max(1, bytes.length - JPEG_EOI_WINDOW_BYTES);
  for (let i = bytes.length - 1; i >= from; i--) {
    if (bytes[i] === 0xd9 && bytes[i - 1] === 0xff) return true;
  }
  return false;
}

/**
 * The bytes in a buffer of their own. image-size reads through the view's underlying memory,
 * so on a small pooled Buffer a truncated header would be completed with whatever lies after
 * it (seen: a 16-byte PNG header read as 4294967295 x 4294967295).
 */
function ownMemory(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
