import { UnprocessableEntityException } from '@nestjs/common';
import { dominantFaceIndex, DOMINANT_FACE_RULE } from '../../src/people/enrollment/dominant-face';
import { bestOverlappingFace, chooseEnrollmentFace } from '../../src/people/enrollment/face-choice';
import { iou as boxOverlap } from '../../src/recognition/box-geometry';
import type { Box, DetectedFace } from '../../src/recognition/face.types';

const face = (x: number, y: number, size: number, score = 0.9): DetectedFace => ({
  box: { x, y, width: size, height: size },
  landmarks: [],
  score,
});

function refusal(run: () => unknown): { status: number; body: any } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UnprocessableEntityException);
    const exception = err as UnprocessableEntityException;
    return { status: exception.getStatus(), body: exception.getResponse() };
  }
  throw new Error('no refusal');
}

describe('chooseEnrollmentFace', () => {
  const big = face(10, 10, 120);
  const other = face(200, 10, 100.4, 0.8);

  it('takes the only face', () => {
    expect(chooseEnrollmentFace([big], { minFacePx: 40 })).toMatchObject({ face: big, index: 0, reason: 'only', ignored: [] });
  });

  it('takes the face faceIndex names', () => {
    expect(chooseEnrollmentFace([big, other], { faceIndex: 1, minFacePx: 40 })).toMatchObject({ face: other, reason: 'faceIndex', facesFound: 2 });
    expect(chooseEnrollmentFace([big, other], { faceIndex: 0, minFacePx: 40 }).face).toBe(big);
  });

  it('refuses a photo without faces', () => {
    expect(refusal(() => chooseEnrollmentFace([], { minFacePx: 40 })).body).toMatchObject({ message: 'no face found' });
  });

  it('refuses several faces without faceIndex and lists them, in Nest error shape', () => {
    const { status, body } = refusal(() => chooseEnrollmentFace([big, other], { minFacePx: 40 }));
    expect(status).toBe(422);
    expect(body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringMatching(/2 faces found.*faceIndex/),
      faces: [
        { index: 0, box: { x: 10, y: 10, width: 120, height: 120 }, score: 0.9 },
        { index: 1, box: { x: 200, y: 10, width: 100, height: 100 }, score: 0.8 },
      ],
    });
  });

  it('refuses an out-of-range faceIndex and lists the faces', () => {
    const { body } = refusal(() => chooseEnrollmentFace([big, other], { faceIndex: 2, minFacePx: 40 }));
    expect(body.message).toMatch(/faceIndex 2 is out of range/);
    expect(body.faces).toHaveLength(2);
  });

  it('with the photo size, takes a face that dominates it and lists the others as ignored', () => {
    const photo = { width: 250, height: 250 };
    const subject = face(75, 75, 100); // centred
    const bystander = face(0, 150, 60); // 0.36 of the subject's area, at the edge
    const peer = face(150, 0, 80); // 0.64 of it
    const chosen = chooseEnrollmentFace([subject, bystander], { photo, minFacePx: 40 });
    expect(chosen).toMatchObject({ face: subject, index: 0, reason: 'dominant', facesFound: 2 });
    expect(chosen.ignored).toEqual([{ index: 1, box: bystander.box, score: 0.9 }]);
    expect(refusal(() => chooseEnrollmentFace([subject, peer], { photo, minFacePx: 40 })).body.faces).toHaveLength(2);
    // Without the photo's size, even a dominant face needs faceIndex.
    expect(refusal(() => chooseEnrollmentFace([subject, bystander], { minFacePx: 40 })).status).toBe(422);
    // An explicit faceIndex wins.
    expect(chooseEnrollmentFace([subject, bystander], { faceIndex: 1, photo, minFacePx: 40 }).face).toBe(bystander);
  });

  it('refuses a dominant face that is too small', () => {
    const photo = { width: 100, height: 100 };
    expect(refusal(() => chooseEnrollmentFace([face(35, 35, 30), face(0, 0, 10)], { photo, minFacePx: 40 })).body.message).toMatch(/too small/);
  });

  it('refuses a face shorter than the minimum, accepts one exactly at it', () => {
    expect(refusal(() => chooseEnrollmentFace([face(0, 0, 39.6)], { minFacePx: 40 })).body.message).toMatch(/too small.*40 px/);
    expect(chooseEnrollmentFace([face(0, 0, 40)], { minFacePx: 40 }).face.box.height).toBe(40);
  });
});

describe('boxOverlap / bestOverlappingFace', () => {
  const box: Box = { x: 0, y: 0, width: 100, height: 100 };

  it('is 1 for the same box, 0 for boxes apart, and the IoU in between', () => {
    expect(boxOverlap(box, box)).toBe(1);
    expect(boxOverlap(box, { x: 100, y: 0, width: 100, height: 100 })).toBe(0);
    expect(boxOverlap(box, { x: 50, y: 0, width: 100, height: 100 })).toBeCloseTo(50 / 150);
  });

  it('picks the face that overlaps the stored box most', () => {
    const faces = [face(60, 60, 100), face(5, 5, 100), face(300, 300, 50)];
    expect(bestOverlappingFace(faces, box)?.face).toBe(faces[1]);
    expect(bestOverlappingFace([face(300, 300, 50)], box)).toBeUndefined();
  });
});

describe('dominantFaceIndex', () => {
  const photo = { width: 1000, height: 800 };
  const box = (cx: number, cy: number, side: number): Box => ({ x: cx - side / 2, y: cy - side / 2, width: side, height: side });

  it('is the only face, and nothing without faces', () => {
    expect(dominantFaceIndex([box(900, 700, 20)], photo)).toBe(0);
    expect(dominantFaceIndex([], photo)).toBeUndefined();
  });

  it('is the largest face when it has at least minAreaRatio times the area of every other face', () => {
    const side = 200;
    const justEnough = side / Math.sqrt(DOMINANT_FACE_RULE.minAreaRatio);
    expect(dominantFaceIndex([box(500, 400, side), box(100, 100, justEnough)], photo)).toBe(0);
    expect(dominantFaceIndex([box(500, 400, side), box(100, 100, justEnough + 1)], photo)).toBeUndefined();
    // Not only the runner-up: every other face must be outshone.
    expect(dominantFaceIndex([box(500, 400, side), box(100, 100, 50), box(900, 100, justEnough + 1)], photo)).toBeUndefined();
    // The largest need not come first.
    expect(dominantFaceIndex([box(100, 100, 50), box(500, 400, side)], photo)).toBe(1);
  });

  it('is never a face far from the centre, however large', () => {
    const offset = DOMINANT_FACE_RULE.maxCentreOffset;
    expect(dominantFaceIndex([box(500 + offset * 1000, 400, 200), box(100, 100, 40)], photo)).toBe(0);
    expect(dominantFaceIndex([box(500 + offset * 1000 + 5, 400, 200), box(100, 100, 40)], photo)).toBeUndefined();
    expect(dominantFaceIndex([box(500, 400 - offset * 800 - 5, 200), box(100, 100, 40)], photo)).toBeUndefined();
  });

  it('leaves a group of similar faces undecided', () => {
    const group = [0, 1, 2, 3, 4].map((i) => box(300 + i * 100, 400, 80 - i * 3));
    expect(dominantFaceIndex(group, photo)).toBeUndefined();
  });
});
