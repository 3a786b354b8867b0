import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DOUBLE, EPOCH_MS } from '../database/portable-types';
import { float32Blob } from '../database/float32-blob';

/** One appearance of a known person in view: first and last seen, best confidence, a face crop. */
@Entity('sightings')
@Index(['personId', 'firstSeen'])
export class Sighting {
  @PrimaryGeneratedColumn()
  id: number;

  /** Not a foreign key (rows are written by another module): erased with the person in their deletion's transaction. */
  @Column('integer')
  personId: number;

  /** The name when last seen. */
  @Column()
  personName: string;

  @Column()
  camera: string;

  /** Epoch ms. */
  @Index()
  @Column(EPOCH_MS)
  firstSeen: number;

  @Index()
  @Column(EPOCH_MS)
  lastSeen: number;

  @Column(DOUBLE)
  bestConfidence: number;

  /** Still in view (the appearance has not ended yet). */
  @Column('boolean', { default: false })
  ongoing: boolean;

  /** JPEG face crop (a few kB), taken at the best view so far. */
  @Column({ type: 'blob', nullable: true, select: false })
  thumbnail: Buffer | null;

  /**
   * The embedding of the face in the thumbnail (null when that view was not embedded): tells which of
   * the person's samples caused the name, and goes to the inbox if the name was wrong (see correction/).
   */
  @Column({ type: 'blob', nullable: true, select: false, transformer: float32Blob })
  embedding: Float32Array | null;

  /** The model that made `embedding`. */
  @Column({ type: 'varchar', nullable: true })
  embeddingModelId: string | null;
}
