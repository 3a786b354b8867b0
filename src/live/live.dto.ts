import { ApiProperty } from '@nestjs/swagger';
import { IsPersonName } from '../people/person-name';

export class LiveEnrollDto {
  @IsPersonName()
  name: string;
}

export class LiveFaceDto {
  @ApiProperty({ description: 'Stays the same while the face is tracked; use it to enroll the face', example: 17 })
  trackId: number;
  @ApiProperty({ example: 'Serena_Williams', description: 'The name, or "Unknown"' })
  name: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 3 })
  personId: number | null;
  @ApiProperty({ description: 'Percentage for the shown name (for Unknown: how sure it is nobody enrolled)', example: 97.2 })
  confidence: number;
  @ApiProperty({ description: 'When the face came into view', example: '2026-01-31T12:00:00.000Z' })
  since: string;
  @ApiProperty({ description: '[x, y, width, height] in frame pixels', example: [160, 300, 118, 130], type: [Number] })
  box: number[];
}

export class LiveFacesDto {
  @ApiProperty({ description: 'The camera', example: 'main' })
  camera: string;
  @ApiProperty({ description: 'Time of the recognition', example: '2026-01-31T12:00:00.000Z' })
  at: string;
  @ApiProperty({ example: 1280 })
  frameWidth: number;
  @ApiProperty({ example: 720 })
  frameHeight: number;
  @ApiProperty({ type: [LiveFaceDto] })
  faces: LiveFaceDto[];
}

export class StatsSampleDto {
  @ApiProperty({ description: 'End of the second (epoch ms)', example: 1769860800000 })
  at: number;
  @ApiProperty({ description: 'Frames streamed during the second', example: 25 })
  fps: number;
  @ApiProperty({ type: 'number', nullable: true, description: 'Mean capture → recognition latency (ms)', example: 31 })
  latencyMs: number | null;
  @ApiProperty({ description: 'Faces found per second by recognition', example: 24 })
  facesPerSecond: number;
}
