import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EPOCH_MS } from '../database/portable-types';
import type { CameraOverrides } from './camera-definition.types';

/** Where a camera came from: the configuration (CAMERAS, CAMERAS_FILE, CAMERA_SOURCE) or the API. */
export const CAMERA_ORIGINS = ['config', 'api'] as const;
export type CameraOrigin = (typeof CAMERA_ORIGINS)[number];

/**
 * A camera as stored. The configuration only seeds this table: after the first start the rows
 * are the truth (edited through the API), like the people enrolled from faces/.
 */
@Entity('camera')
export class CameraRecord {
  @PrimaryGeneratedColumn()
  id: number;

  /** CAMERA_NAME_PATTERN: recorded with every sighting, so unique. */
  @Column({ type: 'varchar', length: 32, unique: true })
  name: string;

  /** `auto`, a device index, a file path or a URL. */
  @Column('text')
  source: string;

  @Column('boolean')
  enabled: boolean;

  /** The node it is pinned to (NODE_NAME); null: any node. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  node: string | null;

  /** Only the overridden settings; the others follow the server-wide ones. */
  @Column('simple-json')
  overrides: CameraOverrides;

  @Column({ type: 'varchar', length: 8 })
  origin: CameraOrigin;

  /** Epoch ms. */
  @Column(EPOCH_MS)
  createdAt: number;
}
