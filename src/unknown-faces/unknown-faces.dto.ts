import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { PersonDto } from '../people/dto/person.dto';
import { IsPersonName } from '../people/person-name';
import type { UnknownFace } from './unknown-face.entity';
import { PageMetaDto } from '../sightings/sightings.dto';

export class UnknownFaceDto {
  @ApiProperty({ example: 5 })
  id: number;
  @ApiProperty({ example: 'main' })
  camera: string;
  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  firstSeen: string;
  @ApiProperty({ example: '2026-01-31T12:10:00.000Z' })
  lastSeen: string;
  @ApiProperty({ description: 'Appearances of this stranger grouped into the entry (similar faces seen again)', example: 3 })
  appearances: number;
  @ApiProperty({ description: 'Height of the kept face in pixels', example: 118 })
  faceHeight: number;
  @ApiProperty({ example: '/unknown-faces/5/thumbnail' })
  thumbnailUrl: string;

  static from(this: void, row: UnknownFace): UnknownFaceDto {
    return {
      id: row.id,
      camera: row.camera,
      firstSeen: new Date(row.firstSeen).toISOString(),
      lastSeen: new Date(row.lastSeen).toISOString(),
      appearances: row.appearances,
      faceHeight: row.faceHeight,
      thumbnailUrl: `/unknown-faces/${row.id}/thumbnail`,
    };
  }
}

export class UnknownFacePageDto extends PageMetaDto {
  @ApiProperty({ type: [UnknownFaceDto], description: 'Most recently seen first' })
  items: UnknownFaceDto[];
}

/** `POST /unknown-faces/:id/assign`: exactly one of `name` (a new person) and `personId` (add to someone). */
export class AssignUnknownFaceDto {
  @ApiPropertyOptional({ description: 'Enroll the face as a new person with this name', example: 'Tony Blair' })
  @IsOptional()
  @IsPersonName()
  name?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Add the face to this enrolled person', example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  personId?: number;
}

export class AssignedUnknownFaceDto {
  @ApiProperty({ type: PersonDto, description: 'The person the face now belongs to' })
  person: PersonDto;
  @ApiProperty({ description: 'The inbox entry, now removed', example: 5 })
  unknownFaceId: number;
}
