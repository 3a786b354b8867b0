import { UnprocessableEntityException } from '@nestjs/common';
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
    expect(chooseEnrollmentFace([big], { minFacePx: 40 })).toBe(big);
  });

  it('takes the face faceIndex names', () => {
    expect(chooseEnrollmentFace([big, other], { faceIndex: 1, minFacePx: 40 })).toBe(other);
    expect(chooseEnrollmentFace([big, other], { faceIndex: 0, minFacePx: 40 })).toBe(big);
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

  it('with dominantFace, takes the largest face only when it clearly dominates', () => {
    const subject = face(0, 0, 100);
    const bystander = face(150, 0, 80); // 0.64 of the subject's area
    const peer = face(150, 0, 90); // 0.81 of it
    expect(chooseEnrollmentFace([subject, bystander], { dominantFace: true, minFacePx: 40 })).toBe(subject);
    expect(refusal(() => chooseEnrollmentFace([subject, peer], { dominantFace: true, minFacePx: 40 })).body.faces).toHaveLength(2);
    // Without it, even a dominant face needs faceIndex.
    expect(refusal(() => chooseEnrollmentFace([subject, bystander], { minFacePx: 40 })).status).toBe(422);
    // An explicit faceIndex wins.
    expect(chooseEnrollmentFace([subject, bystander], { faceIndex: 1, dominantFace: true, minFacePx: 40 })).toBe(bystander);
  });

  it('refuses a face shorter than the minimum, accepts one exactly at it', () => {
    expect(refusal(() => chooseEnrollmentFace([face(0, 0, 39.6)], { minFacePx: 40 })).body.message).toMatch(/too small.*40 px/);
    expect(chooseEnrollmentFace([face(0, 0, 40)], { minFacePx: 40 }).box.height).toBe(40);
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
