import { ApiProperty } from '@nestjs/swagger';
import type { FaceSample } from '../entities/face-sample.entity';
import type { Person } from '../entities/person.entity';
import { FaceBoxDto } from './face-box.dto';

/** One enrolled photo of a person (the embedding itself stays on the server). */
export class FaceSampleDto {
  @ApiProperty({ example: 7 })
  id: number;

  @ApiProperty({ type: FaceBoxDto, description: 'The enrolled face in the stored photo' })
  box: FaceBoxDto;

  @ApiProperty({ description: 'The recognition model that computed the embedding', example: 'edgeface_xs' })
  modelId: string;

  @ApiProperty({ description: 'SHA-256 of the photo as uploaded (hex)', example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  photoSha256: string;

  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ description: 'JPEG crop of the face', example: '/people/3/faces/7/thumbnail' })
  thumbnailUrl: string;

  static from(sample: FaceSample): FaceSampleDto {
    const { x, y, width, height } = sample.box;
    return {
      id: sample.id,
      box: { x, y, width, height },
      modelId: sample.modelId,
      photoSha256: sample.photoSha256,
      createdAt: sample.createdAt,
      thumbnailUrl: `/people/${sample.personId}/faces/${sample.id}/thumbnail`,
    };
  }
}

export class PersonDto {
  @ApiProperty({ example: 3 })
  id: number;

  @ApiProperty({ example: 'Grace Hopper' })
  name: string;

  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ description: 'Changes on rename and when a face is added or removed', example: '2026-01-31T12:00:00.000Z' })
  updatedAt: Date;

  @ApiProperty({ type: [FaceSampleDto], description: 'Enrolled faces, oldest first (at least one)' })
  faces: FaceSampleDto[];

  static from(person: Person): PersonDto {
    return {
      id: person.id,
      name: person.name,
      createdAt: person.createdAt,
      updatedAt: person.updatedAt,
      faces: (person.samples ?? []).map((sample) => FaceSampleDto.from(sample)),
    };
  }
}
