import { ApiProperty } from '@nestjs/swagger';
import type { NamedPhotoFace, RecognizedPhoto } from './photo-recognition.service';

/** The multipart form of `POST /recognize` and `POST /sightings/search`, as Swagger shows it. */
export class PhotoForm {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'A photo (JPEG, PNG, WebP, BMP or TIFF; format read from the content). Same limits as enrollment.',
  })
  image: unknown;
}

/** A face of an uploaded photo: the `recognition` event's face fields, plus the detector's score. */
export class PhotoFaceDto {
  @ApiProperty({ example: 'Serena_Williams', description: 'The name, or "Unknown"' })
  name: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 3, description: 'null for Unknown' })
  personId: number | null;
  @ApiProperty({ description: 'Percentage for the shown name (for Unknown: how sure it is nobody enrolled)', example: 97.2 })
  confidence: number;
  @ApiProperty({ description: 'Cosine similarity to the named person (for Unknown: to the nearest one; 0 with nobody enrolled)', example: 0.612 })
  similarity: number;
  @ApiProperty({ description: '[x, y, width, height] in photo pixels, after EXIF orientation', example: [160, 300, 118, 130], type: [Number] })
  box: number[];
  @ApiProperty({ description: 'Detector score', example: 0.93 })
  score: number;

  static from(this: void, { face, match }: NamedPhotoFace): PhotoFaceDto {
    const { x, y, width, height } = face.box;
    return {
      name: match.name,
      personId: match.personId,
      confidence: match.confidence,
      similarity: round(match.similarity, 3),
      box: [x, y, width, height].map(Math.round),
      score: round(face.score, 3),
    };
  }
}

export class RecognizedPhotoDto {
  @ApiProperty({ description: 'Photo width after EXIF orientation', example: 2048 })
  width: number;
  @ApiProperty({ example: 922 })
  height: number;
  @ApiProperty({ description: 'The similarity a face needed to be named (follows the number of enrolled faces)', example: 0.233 })
  threshold: number;
  @ApiProperty({ type: [PhotoFaceDto], description: 'Every face at least ENROLL_MIN_FACE_PX tall, largest first' })
  faces: PhotoFaceDto[];

  static from(this: void, photo: RecognizedPhoto): RecognizedPhotoDto {
    return { width: photo.width, height: photo.height, threshold: round(photo.threshold, 3), faces: photo.faces.map(PhotoFaceDto.from) };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
