import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { float32Blob } from '../../database/float32-blob';
import { DOUBLE, EPOCH_MS } from '../../database/portable-types';
import type { FaceQuality } from '../../recognition/quality/face-quality';
import { Person } from '../entities/person.entity';

/**
 * A recognised view of an enrolled person that would make a good new sample (good quality, unlike
 * their samples), waiting for an admin's "add" or "not this person". Erased and exported with the person.
 */
@Entity('sample_suggestions')
@Index(['personId', 'seenAt'])
export class SampleSuggestion {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Person, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'personId' })
  person?: Person;

  @Column()
  personId: number;

  @Column()
  camera: string;

  /** Epoch ms. */
  @Column(EPOCH_MS)
  seenAt: number;

  /** Similarity to the person's nearest sample when recognised. */
  @Column(DOUBLE)
  similarity: number;

  @Column('simple-json')
  quality: FaceQuality;

  /** The model that made `embedding`. */
  @Column()
  modelId: string;

  @Column({ type: 'blob', transformer: float32Blob })
  embedding: Float32Array;

  /** JPEG, the face with margin: what gets enrolled on "add". */
  @Column({ type: 'blob', select: false })
  photo: Buffer;

  @Column({ type: 'blob', select: false })
  thumbnail: Buffer;
}
