import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';
import type { Box } from '../../recognition/face.types';
import type { FaceQuality } from '../../recognition/quality/face-quality';
import { Person } from './person.entity';

/** Float32Array <-> blob of its raw (little-endian on every platform we run on) bytes. */
const float32Blob: ValueTransformer = {
  to: (vector: Float32Array | undefined) => vector && Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
  // Copy: a Buffer from the driver may sit at an offset that is not 4-byte aligned.
  from: (blob: Buffer | null) => blob && new Float32Array(new Uint8Array(blob).buffer),
};

/** One enrolled photo of a person: the vector the stream matches against, and where it came from. */
@Entity('face_samples')
export class FaceSample {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Person, (person) => person.samples, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'personId' })
  person: Person;

  @Column()
  personId: number;

  @Column({ type: 'blob', transformer: float32Blob })
  embedding: Float32Array;

  /** The engine model that made `embedding`: vectors of different models are never compared. */
  @Index()
  @Column()
  modelId: string;

  /** The face's box in the stored photo (pixels, after EXIF orientation). */
  @Column('simple-json')
  box: Box;

  /** Generated file names inside the photo store, never client input. */
  @Column()
  photoFile: string;

  @Column()
  thumbnailFile: string;

  @Index()
  @Column({ length: 64 })
  photoSha256: string;

  @CreateDateColumn()
  createdAt: Date;

  /** How good a view the face is (recognition/quality/face-quality.ts), measured at enrollment; null for older samples. */
  @Column('simple-json', { nullable: true })
  quality: FaceQuality | null;
}
