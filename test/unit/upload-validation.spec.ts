import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { checkUpload, hasJpegEndMarker, UploadLimits } from '../../src/people/upload/upload-validation';
import { TESTDATA } from '../support/paths';

const LIMITS: UploadLimits = { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 };
const bad = (file: string) => readFileSync(join(TESTDATA, 'bad', file));
const still = (file: string) => readFileSync(join(TESTDATA, 'stills', file));

/** The exception checkUpload throws (fails the test when it does not throw). */
function refusal(bytes: Uint8Array | undefined, limits = LIMITS): HttpException {
  try {
    checkUpload(bytes, limits);
  } catch (err) {
    if (err instanceof HttpException) return err;
    throw err;
  }
  throw new Error('checkUpload accepted the upload');
}

describe('checkUpload', () => {
  it.each([
    ['empty.jpg', BadRequestException, /empty/],
    ['truncated.jpg', BadRequestException, /truncated/],
    ['not-an-image.jpg', UnsupportedMediaTypeException, /not an image/],
    ['random-bytes.png', UnsupportedMediaTypeException, /not an image/],
    ['bomb-100000x100000.png', PayloadTooLargeException, /100000x100000/],
  ])('refuses bad/%s with %p', (file, type, message) => {
    const error = refusal(bad(file));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['cmyk.jpg', 'jpg', 250, 250],
    ['gray.jpg', 'jpg', 250, 250],
    ['rgba.png', 'png', 250, 250],
    ['rotated-exif.jpg', 'jpg', 250, 250],
    ['no-face.jpg', 'jpg', 640, 427],
    ['tiny-face.jpg', 'jpg', 24, 24],
  ])('lets bad/%s through to face detection (%s %ix%i)', (file, format, width, height) => {
    expect(checkUpload(bad(file), LIMITS)).toEqual({ format, extension: `.${format}`, width, height });
  });

  it('accepts a normal photo and reads its size from the header', () => {
    expect(checkUpload(still('grace_hopper_512x512.jpg'), LIMITS)).toMatchObject({ format: 'jpg', width: 512, height: 512 });
  });

  it('requires an image', () => {
    expect(refusal(undefined)).toBeInstanceOf(BadRequestException);
    expect(refusal(undefined).message).toMatch(/image is required/);
  });

  it('refuses more bytes than maxBytes with 413, and accepts exactly maxBytes', () => {
    const photo = still('grace_hopper_512x512.jpg');
    expect(refusal(photo, { ...LIMITS, maxBytes: photo.length - 1 })).toBeInstanceOf(PayloadTooLargeException);
    expect(checkUpload(photo, { ...LIMITS, maxBytes: photo.length }).format).toBe('jpg');
  });

  it('refuses more pixels than maxPixels by the header, and accepts exactly maxPixels', () => {
    const photo = still('grace_hopper_512x512.jpg');
    expect(refusal(photo, { ...LIMITS, maxPixels: 512 * 512 - 1 })).toBeInstanceOf(PayloadTooLargeException);
    expect(checkUpload(photo, { ...LIMITS, maxPixels: 512 * 512 }).width).toBe(512);
  });

  it('judges the format by content, not by file name: a PNG named .jpg is a PNG', () => {
    expect(checkUpload(bad('rgba.png'), LIMITS).extension).toBe('.png');
  });

  it('refuses a recognised image format the decoder is not meant to take (GIF) with 415', () => {
    // A minimal 1x1 GIF.
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const error = refusal(gif);
    expect(error).toBeInstanceOf(UnsupportedMediaTypeException);
    expect(error.message).toMatch(/"gif"/);
  });

  it('refuses a known signature with an unreadable header as 400, not 415', () => {
    // PNG signature, then nothing.
    const error = refusal(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
    expect(error).toBeInstanceOf(BadRequestException);
  });
});

describe('hasJpegEndMarker', () => {
  it('finds FF D9 at the very end', () => {
    expect(hasJpegEndMarker(still('grace_hopper_512x512.jpg'))).toBe(true);
  });

  it('tolerates a short trailer after the marker', () => {
    expect(hasJpegEndMarker(Buffer.concat([still('grace_hopper_512x512.jpg'), Buffer.alloc(100)]))).toBe(true);
  });

  it('misses it in a cut-off JPEG', () => {
    expect(hasJpegEndMarker(bad('truncated.jpg'))).toBe(false);
  });

  it('ignores a marker far from the end', () => {
    expect(hasJpegEndMarker(Buffer.concat([Buffer.from([0xff, 0xd9]), Buffer.alloc(4096)]))).toBe(false);
  });
});

describe('checkUpload on buffers that are views of larger memory (as uploads and pooled Buffers are)', () => {
  it('never reads past the end of the upload', () => {
    const header = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    const memory = Buffer.alloc(64, 0xff); // what lies beyond would claim 4294967295 x 4294967295
    memory.set(header, 0);
    expect(refusal(memory.subarray(0, header.length))).toBeInstanceOf(BadRequestException);
  });
});
