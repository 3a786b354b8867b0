import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { float32Blob } from '../../database/float32-blob';
import { EPOCH_MS } from '../../database/portable-types';
import { Person } from '../entities/person.entity';

/**
 * A suggested sample an admin rejected ("not this person"): only its embedding is kept (no
 * picture), so the same view is never suggested, nor added automatically, again. The newest
 * REJECTED_VIEWS_PER_PERSON per person; erased and exported with the person.
 */
@Entity('rejected_views')
@Index(['personId', 'rejectedAt'])
export class RejectedView {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Person, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'personId' })
  person?: Person;

  @Column()
  personId: number;

  /** Where the rejected view was seen. */
  @Column()
  camera: string;

  /** Epoch ms: when the view was seen. */
  @Column(EPOCH_MS)
  seenAt: number;

  /** Epoch ms: when it was rejected. */
  @Column(EPOCH_MS)
  rejectedAt: number;

  /** The model that made `embedding`: views of another model are not compared. */
  @Column()
  modelId: string;

  @Column({ type: 'blob', transformer: float32Blob })
  embedding: Float32Array;
}
