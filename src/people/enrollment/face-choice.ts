import { iou } from '../../recognition/box-geometry';
import { UnprocessableEntityException } from '@nestjs/common';
import type { Box, DetectedFace } from '../../recognition/face.types';
import { dominantFaceIndex } from './dominant-face';

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
   * The photo's size: without faceIndex, a face that clearly is the photo's subject (much larger
   * than the others and near the centre, dominant-face.ts) is taken and the others are ignored.
   */
  photo?: { width: number; height: number };
  minFacePx: number;
}

/** The face taken from a photo, and how it was chosen (said in the enrollment's answer). */
export interface ChosenFace<F extends DetectedFace> {
  face: F;
  /** Its index among the faces found (largest first). */
  index: number;
  /** How many faces the photo showed. */
  facesFound: number;
  /** `only`: the one face; `faceIndex`: the client's pick; `dominant`: the subject, the others ignored. */
  reason: 'only' | 'faceIndex' | 'dominant';
  /** The faces not enrolled. */
  ignored: ListedFace[];
}

/**
 * Picks the face to enroll from a photo's faces (largest first, as the engine returns them).
 * One face, the client's faceIndex, or a face that clearly dominates the photo; anything else
 * is refused with the faces listed: guessing would silently enroll the wrong person.
 */
export function chooseEnrollmentFace<F extends DetectedFace>(faces: F[], choice: FaceChoice): ChosenFace<F> {
  if (faces.length === 0) throw new UnprocessableEntityException('no face found');
  const dominant = choice.photo && faces.length > 1 ? dominantFaceIndex(faces.map((f) => f.box), choice.photo) : undefined;
  const index = choice.faceIndex ?? (faces.length === 1 ? 0 : dominant);
  if (index === undefined) {
    throw faceChoiceError(`${faces.length} faces found and none clearly the subject: resend with faceIndex to choose one`, faces);
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
  const reason = faces.length === 1 ? 'only' : choice.faceIndex !== undefined ? 'faceIndex' : 'dominant';
  const ignored = listFaces(faces).filter((listed) => listed.index !== index);
  return { face, index, facesFound: faces.length, reason, ignored };
}

function faceChoiceError(message: string, faces: DetectedFace[]): UnprocessableEntityException {
  const listed = listFaces(faces);
  // Nest sends an object response as the body: keep its standard fields and add the faces.
  return new UnprocessableEntityException({ statusCode: 422, message, error: 'Unprocessable Entity', faces: listed });
}

function listFaces(faces: DetectedFace[]): ListedFace[] {
  return faces.map((face, index) => ({ index, box: roundBox(face.box), score: round(face.score, 3) }));
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
