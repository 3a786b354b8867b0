import { iou } from '../../recognition/box-geometry';
import { UnprocessableEntityException } from '@nestjs/common';
import type { Box, DetectedFace } from '../../recognition/face.types';

/** A face found in a photo, as listed to the client so it can resend with `faceIndex`. */
export interface ListedFace {
  index: number;
  box: Box;
  score: number;
}

/** How the face to enroll is chosen when a photo shows several. */
export interface FaceChoice {
  /** The client's pick, an index into the faces found (largest first). */
  faceIndex?: number;
  /**
   * Without faceIndex, take the largest face when it clearly dominates the photo (a file in
   * FACES_DIR cannot say which face it means; its subject is the big face in front).
   */
  dominantFace?: boolean;
  minFacePx: number;
}

/** The largest face counts as the subject when its area is at least this many times the next one's. */
export const DOMINANT_FACE_AREA_RATIO = 1.5;

/**
 * Picks the face to enroll from a photo's faces (largest first, as the engine returns them).
 * An enrollment photo must show one face, or the request must say which one: guessing
 * would silently enroll the wrong person.
 */
export function chooseEnrollmentFace<F extends DetectedFace>(faces: F[], choice: FaceChoice): F {
  if (faces.length === 0) throw new UnprocessableEntityException('no face found');
  const index = choice.faceIndex ?? (faces.length === 1 || (choice.dominantFace && dominates(faces)) ? 0 : undefined);
  if (index === undefined) {
    throw faceChoiceError(`${faces.length} faces found: resend with faceIndex to choose one`, faces);
  }
  if (index >= faces.length) {
    throw faceChoiceError(`faceIndex ${index} is out of range: ${faces.length} face(s) found`, faces);
  }
  const face = faces[index];
  if (face.box.height < choice.minFacePx) {
    throw new UnprocessableEntityException(
      `face is too small to enroll: ${Math.round(face.box.height)} px tall, at least ${choice.minFacePx} px needed`,
    );
  }
  return face;
}

function dominates([largest, next]: DetectedFace[]): boolean {
  return area(largest.box) >= DOMINANT_FACE_AREA_RATIO * area(next.box);
}

function area(box: Box): number {
  return box.width * box.height;
}

function faceChoiceError(message: string, faces: DetectedFace[]): UnprocessableEntityException {
  const listed: ListedFace[] = faces.map((face, index) => ({ index, box: roundBox(face.box), score: round(face.score, 3) }));
  // Nest sends an object response as the body: keep its standard fields and add the faces.
  return new UnprocessableEntityException({ statusCode: 422, message, error: 'Unprocessable Entity', faces: listed });
}

/** The face whose box overlaps `box` most, with that overlap; undefined when none overlaps at all. */
export function bestOverlappingFace<F extends DetectedFace>(faces: F[], box: Box): { face: F; overlap: number } | undefined {
  let best: { face: F; overlap: number } | undefined;
  for (const face of faces) {
    const overlap = iou(face.box, box);
    if (overlap > 0 && (!best || overlap > best.overlap)) best = { face, overlap };
  }
  return best;
}

function roundBox(box: Box): Box {
  return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
