import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SMALL_FACE_PASSES } from '../recognition/face.types';
import { PRIVACY_MODES } from '../stream/privacy';
import type { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import type { CameraDefinition, CameraOverrides } from './camera-definition.types';
import type { RemoteCamera } from './camera-locations';

/** The per-camera overrides, documented once for the request and response schemas. */
export class CameraOverridesDto implements CameraOverrides {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'RECOGNIZE_EVERY_N_FRAMES for this camera' }) recognizeEveryN?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 8192, description: 'DETECTION_WIDTH' }) detectionWidth?: number;
  @ApiPropertyOptional({ enum: SMALL_FACE_PASSES, description: 'SMALL_FACE_PASS' }) smallFacePass?: CameraOverrides['smallFacePass'];
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'DETECTION_MIN_SCORE' }) detectionMinScore?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 4096, description: 'faces shorter than this (px) are ignored on this camera' }) minFacePx?: number;
  @ApiPropertyOptional({ minimum: -1, maximum: 1, description: 'MATCH_THRESHOLD' }) matchThreshold?: number;
  @ApiPropertyOptional({ minimum: 0.0001, maximum: 0.5, description: 'MATCH_FALSE_NAME_RATE' }) matchFalseNameRate?: number;
  @ApiPropertyOptional({ minimum: 10, maximum: 100, description: 'STREAM_JPEG_QUALITY' }) jpegQuality?: number;
  @ApiPropertyOptional({ description: 'TRACK_CONFIRMATION' }) trackConfirmation?: boolean;
  @ApiPropertyOptional({ description: 'MOTION_GATING' }) motionGating?: boolean;
  @ApiPropertyOptional({ description: 'CAMERA_LOOP (files)' }) loop?: boolean;
  @ApiPropertyOptional({ description: 'CAMERA_PACE (files)' }) pace?: boolean;
  @ApiPropertyOptional({ default: true, description: 'keep this camera\'s strangers in the unknown-faces inbox (false: none)' }) unknownInbox?: boolean;
  @ApiPropertyOptional({ enum: PRIVACY_MODES, description: 'STREAM_PRIVACY: blur strangers\' faces (blur-unknown) or every face (blur-all) on the stream and snapshots' }) privacy?: CameraOverrides['privacy'];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'array', items: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 }, minItems: 2, maxItems: 2 } },
    example: [[[0, 0], [0.3, 0], [0.3, 0.4], [0, 0.4]]],
    description: 'polygons in fractions of the frame (0 to 1 from the top-left corner) where nothing is detected, recorded or shown (masked black on the stream)',
  })
  privacyZones?: CameraOverrides['privacyZones'];
}

const PIN_DESCRIPTION = 'several nodes on one PostgreSQL: only the node of this NODE_NAME runs the camera (unset: any node)';

export class CreateCameraDto extends CameraOverridesDto {
  @ApiProperty({ pattern: '^[a-z0-9_-]{1,32}$', example: 'door' }) name!: string;
  @ApiProperty({ example: 'rtsp://192.0.2.10/stream1', description: 'same forms as CAMERA_SOURCE: auto, a device index, a file path, a URL' }) source!: string;
  @ApiPropertyOptional({ default: true }) enabled?: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 64, example: 'node-2', description: PIN_DESCRIPTION }) node?: string | null;
}

/** PATCH: any field but the name; null returns an override to the server-wide setting. */
export class UpdateCameraDto extends CameraOverridesDto {
  @ApiPropertyOptional() source?: string;
  @ApiPropertyOptional() enabled?: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 64, description: `${PIN_DESCRIPTION}; null unpins` }) node?: string | null;
}

export class CameraFaceDto {
  @ApiProperty() trackId!: number;
  @ApiProperty({ example: 'Serena_Williams' }) name!: string;
  @ApiProperty({ nullable: true, type: Number }) personId!: number | null;
  @ApiProperty({ example: 97.2 }) confidence!: number;
}

export class CameraDto {
  @ApiProperty({ example: 'door' }) name!: string;
  @ApiProperty() source!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String, description: PIN_DESCRIPTION }) node!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'node-2', description: 'the node running it now (NODE_NAME); null: none (disabled, or not taken yet)' }) runningOn!: string | null;
  @ApiProperty({ type: CameraOverridesDto }) overrides!: CameraOverrides;
  @ApiProperty({ enum: ['idle', 'connecting', 'live', 'reconnecting', 'ended', 'stopped', 'disabled'], description: 'idle: enabled, but no node runs it (yet)' }) state!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty({ description: 'frame rate of the source' }) fps!: number;
  @ApiProperty({ description: 'MJPEG viewers now' }) viewers!: number;
  @ApiProperty({ type: [CameraFaceDto], description: 'faces in view on the newest recognised frame' }) faces!: CameraFaceDto[];
  @ApiProperty({ example: '/cameras/door/stream' }) streamUrl!: string;
  @ApiProperty({ example: '/cameras/door/snapshot.jpg' }) snapshotUrl!: string;

  /**
   * `pipeline`: this node runs it; `remote`: another node does (its lease row); `here`: this
   * node's name. A camera run nowhere is `disabled`, or `idle` while enabled.
   */
  static from(definition: CameraDefinition, pipeline: CameraPipeline | undefined, remote?: RemoteCamera, here?: string): CameraDto {
    const { name, source, enabled, node, ...overrides } = definition;
    const status = pipeline?.captureStatus() ?? remote;
    const path = `/cameras/${encodeURIComponent(name)}`;
    return {
      name,
      source: redactCredentials(source),
      enabled,
      node: node ?? null,
      runningOn: pipeline ? (here ?? null) : (remote?.node ?? null),
      overrides,
      state: status?.state ?? (enabled && here !== undefined ? 'idle' : 'disabled'),
      width: status?.width ?? 0,
      height: status?.height ?? 0,
      fps: status?.fps ?? 0,
      viewers: pipeline?.stats.viewers ?? remote?.viewers ?? 0,
      faces: (pipeline?.facesInView ?? []).map((face) => ({
        trackId: face.trackId,
        name: face.name,
        personId: face.personId,
        confidence: Math.round(face.confidence * 10) / 10,
      })),
      streamUrl: `${path}/stream`,
      snapshotUrl: `${path}/snapshot.jpg`,
    };
  }
}

/** URL credentials are never echoed back (rtsp://user:pass@host → rtsp://***@host). */
export function redactCredentials(source: string): string {
  return source.replace(/\/\/[^@/]*@/, '//***@');
}
