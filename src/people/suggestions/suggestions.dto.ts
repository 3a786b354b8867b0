import { ApiProperty } from '@nestjs/swagger';
import { FaceQualityDto } from '../dto/person.dto';
import type { SampleSuggestion } from './sample-suggestion.entity';

export class SuggestionDto {
  @ApiProperty({ example: 4 })
  id: number;
  @ApiProperty({ example: 3 })
  personId: number;
  @ApiProperty({ description: 'Where the face was seen', example: 'door' })
  camera: string;
  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  seenAt: string;
  @ApiProperty({ description: 'Similarity to the person\'s nearest sample (low: a new view of them)', example: 0.42 })
  similarity: number;
  @ApiProperty({ type: FaceQualityDto })
  quality: FaceQualityDto;
  @ApiProperty({ example: '/people/3/suggestions/4/thumbnail' })
  thumbnailUrl: string;

  static from(this: void, row: SampleSuggestion): SuggestionDto {
    return {
      id: row.id,
      personId: row.personId,
      camera: row.camera,
      seenAt: new Date(row.seenAt).toISOString(),
      similarity: row.similarity,
      quality: row.quality,
      thumbnailUrl: `/people/${row.personId}/suggestions/${row.id}/thumbnail`,
    };
  }
}
