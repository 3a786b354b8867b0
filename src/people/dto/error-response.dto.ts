import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FaceBoxDto } from './face-box.dto';

/** Nest's standard error body, which every failing route returns. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({
    description: 'What went wrong; a list when several request fields are invalid',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'person 42 not found',
  })
  message: string | string[];

  @ApiProperty({ description: 'The HTTP status text', example: 'Not Found' })
  error: string;
}

export class FoundFaceDto {
  @ApiProperty({ description: 'Send this as faceIndex to enroll this face', example: 0 })
  index: number;

  @ApiProperty({ type: FaceBoxDto, description: 'Face box in the photo, in pixels after EXIF orientation' })
  box: FaceBoxDto;

  @ApiProperty({ description: 'Detector confidence', example: 0.93 })
  score: number;
}

/** A 422 from an enrollment: when the photo holds several faces it lists them. */
export class EnrollmentErrorDto extends ErrorResponseDto {
  @ApiPropertyOptional({
    type: [FoundFaceDto],
    description: 'Present when the photo shows several faces and no (or an out-of-range) faceIndex was given',
  })
  faces?: FoundFaceDto[];
}
