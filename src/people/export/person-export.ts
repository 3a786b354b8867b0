import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Box } from '../../recognition/face.types';
import type { FaceQuality } from '../../recognition/quality/face-quality';

/** The export's format name and version: a reader checks them before anything else. */
export const EXPORT_FORMAT = 'face-stream/person-export';
export const EXPORT_VERSION = 1;

export class ExportedFileDto {
  @ApiProperty({ description: 'The stored file name', example: '0b9d7c1e-3f0c-4d5e-9a1b-2c3d4e5f6a7b.jpg' })
  file: string;
  @ApiProperty({ example: 'image/jpeg' })
  contentType: string;
  @ApiProperty({ description: 'The file, base64; null when the file is missing on disk', nullable: true, type: String })
  base64: string | null;
}

export class ExportedFaceDto {
  @ApiProperty({ example: 7 })
  id: number;
  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({ description: 'The model that made the embedding', example: 'yunet-2023mar+edgeface-s-gamma-05' })
  modelId: string;
  @ApiProperty({ description: 'The face in the photo (px)', example: { x: 10, y: 20, width: 100, height: 120 } })
  box: Box;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  photoSha256: string;
  @ApiProperty({ description: 'The face embedding: little-endian float32, base64' })
  embeddingFloat32Base64: string;
  @ApiProperty({ type: ExportedFileDto, description: 'The photo as uploaded' })
  photo: ExportedFileDto;
  @ApiProperty({ type: ExportedFileDto, description: 'The face thumbnail' })
  thumbnail: ExportedFileDto;
  @ApiPropertyOptional({ description: 'Quality of the view (size, sharpness, pose, overall; 0–1), null if not measured', nullable: true })
  quality: FaceQuality | null;
}

export class ExportedSuggestionDto {
  @ApiProperty({ example: 4 })
  id: number;
  @ApiProperty({ example: 'door' })
  camera: string;
  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  seenAt: string;
  @ApiProperty({ description: 'Similarity to the person when recognised', example: 0.52 })
  similarity: number;
  @ApiProperty({ description: 'Quality of the view (0–1 each)' })
  quality: FaceQuality;
  @ApiProperty({ example: 'yunet-2023mar+edgeface-xs' })
  modelId: string;
  @ApiProperty({ description: 'little-endian float32, base64' })
  embeddingFloat32Base64: string;
  @ApiProperty({ description: 'The face with margin (JPEG), base64' })
  photoJpegBase64: string;
}

export class ExportedRejectedViewDto {
  @ApiProperty({ example: 5 })
  id: number;
  @ApiProperty({ example: 'door' })
  camera: string;
  @ApiProperty({ description: 'When the view was seen', example: '2026-01-31T12:00:00.000Z' })
  seenAt: string;
  @ApiProperty({ description: 'When an admin said "not this person"', example: '2026-01-31T12:05:00.000Z' })
  rejectedAt: string;
  @ApiProperty({ example: 'yunet-2023mar+edgeface-xs' })
  modelId: string;
  @ApiProperty({ description: 'little-endian float32, base64' })
  embeddingFloat32Base64: string;
}

export class ExportedSightingDto {
  @ApiProperty({ example: 12 })
  id: number;
  @ApiProperty({ example: 'door' })
  camera: string;
  @ApiProperty({ description: 'The name when seen', example: 'Grace Hopper' })
  personName: string;
  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  firstSeen: string;
  @ApiProperty({ example: '2026-01-31T12:00:04.000Z' })
  lastSeen: string;
  @ApiProperty({ description: 'Best confidence (%)', example: 98.7 })
  bestConfidence: number;
  @ApiPropertyOptional({ description: 'The face crop (JPEG), base64', nullable: true, type: String })
  cropJpegBase64: string | null;
  @ApiPropertyOptional({ description: 'The embedding of the face in the crop: little-endian float32, base64', nullable: true, type: String })
  embeddingFloat32Base64: string | null;
}

export class PersonExportDto {
  @ApiProperty({ example: EXPORT_FORMAT })
  format: string;
  @ApiProperty({ example: EXPORT_VERSION })
  version: number;
  @ApiProperty({ example: '2026-02-01T09:00:00.000Z' })
  exportedAt: string;
  @ApiProperty({ example: { id: 3, name: 'Grace Hopper', createdAt: '2026-01-31T12:00:00.000Z', updatedAt: '2026-01-31T12:00:00.000Z' } })
  person: { id: number; name: string; createdAt: string; updatedAt: string };
  @ApiProperty({ type: [ExportedFaceDto], description: 'Every enrolled photo, oldest first' })
  faces: ExportedFaceDto[];
  @ApiProperty({ type: [ExportedSightingDto], description: 'Every sighting, oldest first' })
  sightings: ExportedSightingDto[];
  @ApiProperty({ type: [ExportedSuggestionDto], description: 'Suggested samples not yet accepted or rejected, oldest first' })
  suggestions: ExportedSuggestionDto[];
  @ApiProperty({ type: [ExportedRejectedViewDto], description: 'Suggested samples rejected as "not this person" (embedding only, kept so they are not suggested again), oldest first' })
  rejectedViews: ExportedRejectedViewDto[];
}
