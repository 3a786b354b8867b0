import { Column, Entity, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';
import { EPOCH_MS } from '../database/portable-types';

const float32Blob: ValueTransformer = {
  to: (vector: Float32Array | undefined) => vector && Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
  from: (blob: Buffer | null) => blob && new Float32Array(new Uint8Array(blob).buffer),
};

/**
 * One entry of the unknown-faces inbox: a stranger, seen once or more (similar faces are
 * grouped), with the face crop to enroll them from.
 */
@Entity('unknown_faces')
export class UnknownFace {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  camera: string;

  /** Epoch ms. */
  @Column(EPOCH_MS)
  firstSeen: number;

  @Column(EPOCH_MS)
  lastSeen: number;

  /** Appearances grouped into this entry. */
  @Column('integer', { default: 1 })
  appearances: number;

  /** L2-normalised mean embedding of the appearances. */
  @Column({ type: 'blob', transformer: float32Blob, select: false })
  centroid: Float32Array;

  /** The model that made the embeddings: entries of another model are not grouped with. */
  @Column()
  modelId: string;

  /** Height of the kept face (px): a larger view of the same stranger replaces the crop. */
  @Column('integer')
  faceHeight: number;

  /** JPEG, the face with margin: what gets enrolled on assignment. */
  @Column({ type: 'blob', select: false })
  photo: Buffer;

  @Column({ type: 'blob', select: false })
  thumbnail: Buffer;

  /**
   * An admin said this face is not this person (a sighting wrongly named after them, sent here): the
   * gallery naming it after them does not resolve the entry as "enrolled meanwhile".
   */
  @Column('integer', { nullable: true })
  notPersonId: number | null;
}
