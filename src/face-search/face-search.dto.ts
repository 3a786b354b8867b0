import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { PhotoFaceDto } from '../recognize/recognize.dto';
import { SightingPageDto } from '../sightings/sightings.dto';
import { UnknownFaceDto } from '../unknown-faces/unknown-faces.dto';
import type { FaceSearchResult } from './face-search.service';

/** Text fields of `POST /sightings/search` (the photo itself arrives as the file field `image`). */
export class FaceSearchDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Which face to search for when the photo shows several (index in the list a 422 answer gives; 0 = largest)',
    minimum: 0,
    example: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  faceIndex?: number;
}

/** The multipart form of `POST /sightings/search`, as Swagger shows it. */
export class FaceSearchForm extends FaceSearchDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'A photo of the face (JPEG, PNG, WebP, BMP or TIFF; format read from the content). Same rules as enrollment.',
  })
  image: unknown;
}

export class SimilarUnknownFaceDto extends UnknownFaceDto {
  @ApiProperty({ description: 'Cosine similarity of the face to the entry’s mean face', example: 0.57 })
  similarity: number;
}

export class FaceSearchResultDto {
  @ApiProperty({ type: PhotoFaceDto, description: 'The face searched for, and who it is (or "Unknown")' })
  face: PhotoFaceDto;

  @ApiProperty({ type: SightingPageDto, description: 'The named person’s sightings, newest first, paged (`?page=&pageSize=`); empty for Unknown' })
  sightings: SightingPageDto;

  @ApiProperty({
    type: [SimilarUnknownFaceDto],
    description:
      'Unknown-faces inbox entries that look like the same face (similarity at least UNKNOWN_FACE_GROUP_SIMILARITY, the rule that ' +
      'groups a stranger seen again), most similar first, at most 20: when this stranger was here before',
  })
  unknownFaces: SimilarUnknownFaceDto[];

  static from(this: void, result: FaceSearchResult): FaceSearchResultDto {
    return {
      face: PhotoFaceDto.from(result.face),
      sightings: result.sightings,
      unknownFaces: result.unknownFaces.map(({ entry, similarity }) => ({ ...entry, similarity: Math.round(similarity * 1000) / 1000 })),
    };
  }
}
