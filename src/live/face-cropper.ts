import { Injectable } from '@nestjs/common';
import type { BgrImage, Box } from '../recognition/face.types';
import { JpegEncoder } from '../stream/render/jpeg-encoder';
import { VisionThread } from '../vision/vision-thread';
import { boxWithin, copyRegion, cropRegion } from './face-crop';

const PHOTO_JPEG_QUALITY = 92;

/** A face cut out of a live frame: an enrollable photo (face with margin) and a small thumbnail. */
export interface FaceCrop {
  photo: Buffer;
  thumbnail: Buffer;
}

/**
 * Face crops of live frames. Only the region around the face is copied on the main thread
 * (a few hundred row copies); the photo is encoded like the frames (JpegEncoder), the thumbnail
 * (resized, aligned) in the vision thread.
 */
@Injectable()
export class FaceCropper {
  private readonly vision = VisionThread.shared();

  constructor(private readonly encoder: JpegEncoder) {}

  async crop(image: BgrImage, box: Box): Promise<FaceCrop> {
    const region = cropRegion(box, image.width, image.height);
    const pixels = copyRegion(image, region);
    const [photo, thumbnails] = await Promise.all([
      this.encoder.encode(pixels, PHOTO_JPEG_QUALITY),
      this.vision.call('faceThumbnails', [pixels, [boxWithin(box, region)]]),
    ]);
    return { photo, thumbnail: toBuffer(thumbnails[0]) };
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
