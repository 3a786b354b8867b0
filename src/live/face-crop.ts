/** Cutting a face out of a frame on the main thread: pure, no OpenCV (rows are copied, nothing is decoded or encoded here). */
import type { BgrImage, Box } from '../recognition/face.types';

/**
 * The square region around a face to keep as an enrollable photo: `margin` times the face's
 * larger side (so the detector finds the face again in the crop), at least `minSide` pixels,
 * kept inside the frame (a region at the frame's edge is shifted, not cut).
 */
export function cropRegion(box: Box, frameWidth: number, frameHeight: number, margin = 2.2, minSide = 160): Box {
  const wanted = Math.max(Math.max(box.width, box.height) * margin, minSide);
  const side = Math.max(1, Math.round(Math.min(wanted, frameWidth, frameHeight)));
  const start = (centre: number, limit: number) => Math.min(Math.max(0, Math.round(centre - side / 2)), limit - side);
  return {
    x: start(box.x + box.width / 2, frameWidth),
    y: start(box.y + box.height / 2, frameHeight),
    width: side,
    height: side,
  };
}

/** A copy of `region` of a BGR image (one memcpy per row; region must lie inside the image). */
export function copyRegion(image: BgrImage, region: Box): BgrImage {
  const { x, y, width, height } = region;
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`region ${x},${y} ${width}x${height} is outside the ${image.width}x${image.height} image`);
  }
  const data = new Uint8Array(width * height * 3);
  const rowBytes = width * 3;
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return { width, height, data };
}

/** `box` in the coordinates of `region` (for a crop cut at `region`). */
export function boxWithin(box: Box, region: Box): Box {
  return { x: box.x - region.x, y: box.y - region.y, width: box.width, height: box.height };
}

/**
 * The part of a frame that a crop of `box` reads, copied out, with the box in its coordinates:
 * lets a face outlive its frame (a 720p frame is 2.7 MB; this is a few hundred KB). A crop of
 * the result is the crop of the frame, since the region is the one `cropRegion` picks.
 */
export function cutOut(image: BgrImage, box: Box): { image: BgrImage; box: Box } {
  const region = cropRegion(box, image.width, image.height);
  return { image: copyRegion(image, region), box: boxWithin(box, region) };
}
