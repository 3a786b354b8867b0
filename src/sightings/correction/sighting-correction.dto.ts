import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsInt, IsOptional, Min } from 'class-validator';
import { SightingDto } from '../sightings.dto';

/** Who a sighting really showed: exactly one of an enrolled person or Unknown. */
export class ReassignSightingDto {
  @ApiPropertyOptional({ type: 'integer', description: 'The enrolled person it really was', example: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  personId?: number;

  @ApiPropertyOptional({ description: '`true`: nobody enrolled; the face goes to the unknown-faces inbox with its crop', example: true })
  @IsOptional()
  @Equals(true, { message: 'unknown must be true when given' })
  unknown?: true;
}

/** The enrolled sample of the person named that is most like the sighting's face: what caused the name. */
export class MatchedSampleDto {
  @ApiProperty({ example: 3 })
  personId: number;
  @ApiProperty({ description: 'The face sample (DELETE /people/{personId}/faces/{sampleId} removes it)', example: 7 })
  sampleId: number;
  @ApiProperty({ description: 'Cosine similarity of the sighting\'s face to it', example: 0.41 })
  similarity: number;
  @ApiProperty({ example: '/people/3/faces/7/thumbnail' })
  thumbnailUrl: string;
}

export class SightingEvidenceDto extends SightingDto {
  @ApiProperty({
    type: MatchedSampleDto,
    nullable: true,
    description: 'The named person\'s sample most like this face; null when the face or the person has none to compare',
  })
  matchedSample: MatchedSampleDto | null;
}

export class SightingCorrectionDto {
  @ApiProperty({ type: SightingDto, nullable: true, description: 'The sighting under its new person; null when it went to the inbox' })
  sighting: SightingDto | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The inbox entry the face went to (Unknown)', example: null })
  unknownFaceId: number | null;
  @ApiProperty({
    type: MatchedSampleDto,
    nullable: true,
    description: 'The sample of the person wrongly named that caused it: remove it if it is a bad photo or not them',
  })
  matchedSample: MatchedSampleDto | null;
}
