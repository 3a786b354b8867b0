import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonSightingRecord, PersonTraces } from '../people/person-traces';
import { Sighting } from './sighting.entity';

/** A person's sightings (with their face crops) for erasure and export: the people module's PersonTraces. */
@Injectable()
export class SightingTraces implements PersonTraces {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async eraseIn(tx: EntityManager, personId: number): Promise<number> {
    return (await tx.delete(Sighting, { personId })).affected ?? 0;
  }

  async listOf(personId: number): Promise<PersonSightingRecord[]> {
    const rows = await this.dataSource
      .getRepository(Sighting)
      .createQueryBuilder('s')
      .addSelect(['s.thumbnail', 's.embedding'])
      .where('s.personId = :personId', { personId })
      .orderBy('s.firstSeen', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
    return rows.map((row) => ({
      id: row.id,
      camera: row.camera,
      personName: row.personName,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      bestConfidence: row.bestConfidence,
      crop: row.thumbnail ?? null,
      embedding: row.embedding ?? null,
    }));
  }
}
