import { ApiProperty } from '@nestjs/swagger';
import type { Enrollment } from '../people.service';
import { FoundFaceDto } from './error-response.dto';
import type { FaceSample } from '../entities/face-sample.entity';
import type { Person } from '../entities/person.entity';
import { FaceBoxDto } from './face-box.dto';

/** How good a view of a face is, each 0–1 (see recognition/quality/face-quality.ts). */
export class FaceQualityDto {
  @ApiProperty({ description: 'Face height: 0 at 24 px, 1 from 96 px', example: 1 })
  size: number;
  @ApiProperty({ description: 'Detail in the face (Laplacian variance): a blurred photo scores under 0.5', example: 0.93 })
  sharpness: number;
  @ApiProperty({ description: '1 frontal, 0 in profile or strongly tilted (from the five landmarks)', example: 0.81 })
  pose: number;
  @ApiProperty({ description: 'The weakest of the three', example: 0.81 })
  overall: number;
}

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

  @ApiProperty({
    type: FaceQualityDto,
    nullable: true,
    description: 'How good a view the enrolled face is (0–1 each; `overall` is the weakest): a low one is a bad enrollment photo. Null for samples enrolled before it was measured',
  })
  quality: FaceQualityDto | null;

  static from(sample: FaceSample): FaceSampleDto {
    const { x, y, width, height } = sample.box;
    return {
      id: sample.id,
      box: { x, y, width, height },
      modelId: sample.modelId,
      photoSha256: sample.photoSha256,
      createdAt: sample.createdAt,
      thumbnailUrl: `/people/${sample.personId}/faces/${sample.id}/thumbnail`,
      quality: sample.quality ?? null,
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

/** Which face of the uploaded photo was enrolled, and which were ignored. */
export class EnrolledFaceDto {
  @ApiProperty({ description: 'Its index among the faces found, largest first (what faceIndex would say)', example: 0 })
  index: number;

  @ApiProperty({ type: FaceBoxDto, description: 'The enrolled face in the photo' })
  box: FaceBoxDto;

  @ApiProperty({ description: 'Faces found in the photo', example: 2 })
  facesFound: number;

  @ApiProperty({
    enum: ['only', 'faceIndex', 'dominant'],
    description: '`only`: the one face; `faceIndex`: the one asked for; `dominant`: several faces, this one clearly the subject (much larger, near the centre)',
    example: 'dominant',
  })
  reason: 'only' | 'faceIndex' | 'dominant';

  @ApiProperty({ type: [FoundFaceDto], description: 'The faces not enrolled' })
  ignored: FoundFaceDto[];

  @ApiProperty({ description: 'The same in words', example: 'enrolled the largest, central face (index 0); 1 other face ignored' })
  message: string;
}

/** The answer to an enrollment or an added photo: the person, and which face of the photo was taken. */
export class EnrolledPersonDto extends PersonDto {
  @ApiProperty({ type: EnrolledFaceDto })
  enrolledFace: EnrolledFaceDto;

  static fromEnrollment({ person, chosen }: Enrollment): EnrolledPersonDto {
    const others = chosen.ignored.length;
    const ignoredText = others === 0 ? '' : `; ${others} other face${others === 1 ? '' : 's'} ignored`;
    const what = chosen.reason === 'dominant' ? 'the largest, central face' : chosen.reason === 'faceIndex' ? 'the face asked for' : 'the only face';
    return {
      ...PersonDto.from(person),
      enrolledFace: { ...chosen, message: `enrolled ${what} (index ${chosen.index})${ignoredText}` },
    };
  }
}
