import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { FaceSample } from './face-sample.entity';

@Entity('people')
export class Person {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 100 })
  name: string;

  /** The name folded for comparison (see nameKeyOf): SQLite's NOCASE folds ASCII only. */
  @Index({ unique: true })
  @Column()
  nameKey: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  @OneToMany(() => FaceSample, (sample) => sample.person)
  samples: FaceSample[];
}
