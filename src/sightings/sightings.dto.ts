import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, Matches, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from './paging';
import type { Sighting } from './sighting.entity';

/** `?page=&pageSize=` of the paged lists. */
/** What every paged list says besides its items (GET /sightings, /unknown-faces, /audit). */
export class PageMetaDto {
  @ApiProperty({ example: 1 })
  page: number;
  @ApiProperty({ example: 20 })
  pageSize: number;
  @ApiProperty({ example: 57 })
  total: number;
  @ApiProperty({ example: 3 })
  pages: number;
}

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

export class SightingQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'Only this person', example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  personId?: number;

  @ApiPropertyOptional({ description: 'Only this camera', example: 'door' })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'camera must be a camera name ([a-z0-9_-]{1,32})' })
  camera?: string;

  @ApiPropertyOptional({ description: 'Only sightings still in view at or after this time (ISO 8601)', example: '2026-01-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Only sightings that began at or before this time (ISO 8601)', example: '2026-01-31T23:59:59Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class SightingDto {
  @ApiProperty({ example: 12 })
  id: number;
  @ApiProperty({ description: 'The person seen (their sightings are erased with them)', example: 3 })
  personId: number;
  @ApiProperty({ description: 'The name when last seen', example: 'Serena_Williams' })
  personName: string;
  @ApiProperty({ description: 'The camera the person was seen on', example: 'main' })
  camera: string;
  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  firstSeen: string;
  @ApiProperty({ description: 'Written every few seconds while the person is in view', example: '2026-01-31T12:00:04.000Z' })
  lastSeen: string;
  @ApiProperty({ description: 'Best confidence (%) over the appearance', example: 98.7 })
  bestConfidence: number;
  @ApiProperty({ description: 'The person is still in view' })
  ongoing: boolean;
  @ApiProperty({ example: '/sightings/12/thumbnail' })
  thumbnailUrl: string;

  static from(this: void, row: Sighting): SightingDto {
    return {
      id: row.id,
      personId: row.personId,
      personName: row.personName,
      camera: row.camera,
      firstSeen: new Date(row.firstSeen).toISOString(),
      lastSeen: new Date(row.lastSeen).toISOString(),
      bestConfidence: Math.round(row.bestConfidence * 10) / 10,
      ongoing: row.ongoing,
      thumbnailUrl: `/sightings/${row.id}/thumbnail`,
    };
  }
}

export class SightingPageDto extends PageMetaDto {
  @ApiProperty({ type: [SightingDto], description: 'Newest first' })
  items: SightingDto[];
}
