import { bufferSize, compress, FORMAT_BGR, SAMP_420 } from '@julusian/jpeg-turbo';
import type { BgrImage } from '../../recognition/face.types';

/**
 * JPEG encoding of drawn frames: a port, so specs can count what is encoded without pixels.
 * The real one runs on the main process's libuv pool, beside the vision thread rather than in it:
 * the one thread that owns OpenCV then only draws (at four cameras encoding was about half its work).
 */
export abstract class JpegEncoder {
  /** The frame as a baseline JPEG at `quality` (1–100), 4:2:0 like OpenCV's default. */
  abstract encode(image: BgrImage, quality: number): Promise<Buffer>;
}

/** How many scratch outputs of one size are kept for reuse (a few encodes run at once). */
const MAX_FREE_SCRATCH = 4;

/**
 * libjpeg-turbo (the library OpenCV encodes with) through @julusian/jpeg-turbo: reads BGR as it
 * is, straight from the frame's shared buffer (no copy, no colour swap), off the event loop.
 * Its worst-case output buffer (about the frame's size) is reused; each JPEG is copied out to
 * its own exact-size buffer, so a JPEG kept for viewers never pins a frame-sized allocation.
 */
export class TurboJpegEncoder extends JpegEncoder {
  private readonly scratch = new Map<number, Buffer[]>();

  async encode(image: BgrImage, quality: number): Promise<Buffer> {
    const { width, height, data } = image;
    // A short buffer would make the encoder read past its end: refuse it here.
    if (!(width > 0 && height > 0) || data.byteLength !== width * height * 3) {
      throw new Error(`frame has ${data.byteLength} bytes, expected ${width * height * 3} (${width} x ${height} x 3)`);
    }
    const size = bufferSize({ width, height, subsampling: SAMP_420 });
    const free = this.scratch.get(size) ?? [];
    const out = free.pop() ?? Buffer.allocUnsafeSlow(size);
    try {
      const pixels = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const encoded = await compress(pixels, out, { width, height, format: FORMAT_BGR, subsampling: SAMP_420, quality: Math.round(quality) });
      return Buffer.from(encoded);
    } finally {
      if (free.length < MAX_FREE_SCRATCH) free.push(out);
      this.scratch.set(size, free);
    }
  }
}
