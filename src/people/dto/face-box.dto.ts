import { ApiProperty } from '@nestjs/swagger';

/** A face's box in its photo: pixels, top-left origin, after EXIF orientation. */
export class FaceBoxDto {
  @ApiProperty({ example: 102 }) x: number;
  @ApiProperty({ example: 64 }) y: number;
  @ApiProperty({ example: 180 }) width: number;
  @ApiProperty({ example: 231 }) height: number;
}
