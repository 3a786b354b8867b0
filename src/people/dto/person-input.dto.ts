import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { IsPersonName } from '../person-name';

/** Text fields of `POST /people/:id/faces` (the photo itself arrives as the file field `image`). */
export class AddFaceDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Which face to enroll when the photo shows several (index in the list a 422 answer gives; 0 = largest)',
    minimum: 0,
    example: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  faceIndex?: number;
}

/** Text fields of `POST /people`. */
export class CreatePersonDto extends AddFaceDto {
  @IsPersonName()
  name: string;
}

/** `PATCH /people/:id`. */
export class RenamePersonDto {
  @IsPersonName()
  name: string;
}

const IMAGE_FIELD = {
  type: 'string',
  format: 'binary',
  description: 'A photo (JPEG, PNG, WebP, BMP or TIFF; format read from the content) showing the face to enroll',
} as const;

/** The multipart form of `POST /people`, as Swagger shows it. */
export class CreatePersonForm extends CreatePersonDto {
  @ApiProperty(IMAGE_FIELD)
  image: unknown;
}

/** The multipart form of `POST /people/:id/faces`, as Swagger shows it. */
export class AddFaceForm extends AddFaceDto {
  @ApiProperty(IMAGE_FIELD)
  image: unknown;
}
