import { applyDecorators, Header, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { EnrollmentErrorDto, ErrorResponseDto } from './dto/error-response.dto';

const STATUS_TEXT: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'Bad Request',
  [HttpStatus.NOT_FOUND]: 'Not Found',
  [HttpStatus.CONFLICT]: 'Conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'Payload Too Large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'Unsupported Media Type',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'Unprocessable Entity',
};

/** An example error: its message (a list for field validation), plus any extra body fields. */
export type ErrorExample = string | string[] | { message: string; [field: string]: unknown };

/** Documents an error answer in Nest's standard body ({statusCode, message, error}), one example each. */
export function ApiError(status: HttpStatus, description: string, examples: ErrorExample[], type = ErrorResponseDto) {
  const bodies = examples.map((example) => {
    const fields = typeof example === 'string' || Array.isArray(example) ? { message: example } : example;
    return { statusCode: status, error: STATUS_TEXT[status], ...fields };
  });
  return ApiResponse(
    bodies.length === 1
      ? { status, description, type, example: bodies[0] }
      : {
          status,
          description,
          type,
          examples: Object.fromEntries(bodies.map((body) => [String(body.message), { summary: String(body.message), value: body }])),
        },
  );
}

/** A route answering with a JPEG (a face crop): its headers and its documentation. */
export function JpegEndpoint(summary: string, maxAgeSeconds: number) {
  return applyDecorators(
    Header('Content-Type', 'image/jpeg'),
    Header('Cache-Control', `private, max-age=${maxAgeSeconds}`),
    ApiOperation({ summary }),
    ApiProduces('image/jpeg'),
    ApiOkResponse({ description: 'A JPEG', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } }),
  );
}

export const ApiPersonNotFound = () => ApiError(HttpStatus.NOT_FOUND, 'No person with this id', ['person 42 not found']);

export const ApiInvalidId = () =>
  ApiError(HttpStatus.BAD_REQUEST, 'The id is not an integer', ['Validation failed (numeric string is expected)']);

/** The refusals of the image itself, before any face is looked for (`fieldErrors`: the route's own 400s). */
export function ApiImageErrors(fieldErrors: ErrorExample[] = []) {
  return applyDecorators(
    ApiError(HttpStatus.BAD_REQUEST, 'A missing or invalid field; an empty, truncated or undecodable image', [
      ...fieldErrors,
      'image is required (multipart file field "image")',
      'image is empty',
      'JPEG is truncated: no end-of-image marker',
      'image could not be decoded: ...',
    ]),
    ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'Over UPLOAD_MAX_BYTES, or over UPLOAD_MAX_PIXELS by its header (refused before decoding)', [
      'File too large',
      'image is 100000x100000 pixels (10000000000); the limit is 40000000 pixels',
    ]),
    ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Not a JPEG, PNG, WebP, BMP or TIFF image (judged by its content)', [
      'not an image: JPEG, PNG, WebP, BMP or TIFF expected',
      'unsupported image format "gif": JPEG, PNG, WebP, BMP or TIFF expected',
    ]),
  );
}

/** The refusals every enrollment upload can get. Nothing is stored when one happens. */
export function ApiUploadErrors() {
  return applyDecorators(ApiImageErrors([['name must not be empty'], ['faceIndex must be an integer number']]), ApiFaceChoiceErrors());
}

/** The 422s of a route that takes one face of the photo (chooseEnrollmentFace). */
export function ApiFaceChoiceErrors() {
  return applyDecorators(
    ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'No usable face: none found, too small (ENROLL_MIN_FACE_PX), or several, none clearly the subject, and no faceIndex, in which case `faces` lists them',
      [
        'no face found',
        'face is too small to enroll: 24 px tall, at least 40 px needed',
        {
          message: '2 faces found and none clearly the subject: resend with faceIndex to choose one',
          faces: [
            { index: 0, box: { x: 120, y: 80, width: 96, height: 118 }, score: 0.93 },
            { index: 1, box: { x: 301, y: 95, width: 88, height: 104 }, score: 0.9 },
          ],
        },
      ],
      EnrollmentErrorDto,
    ),
  );
}
