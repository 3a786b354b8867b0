import type { EntityManager } from 'typeorm';

/**
 * Rows outside the people tables that name a person (their sightings), behind a port so the
 * people module can erase them in the person's deletion transaction and export them, without
 * depending on the modules that write them.
 */
export interface PersonTraces {
  /** Deletes the person's rows inside `tx`; how many. */
  eraseIn(tx: EntityManager, personId: number): Promise<number>;
  /** Everything stored about the person, oldest first, crops included. */
  listOf(personId: number): Promise<PersonSightingRecord[]>;
}

/** One sighting as exported. */
export interface PersonSightingRecord {
  id: number;
  camera: string;
  personName: string;
  firstSeen: number;
  lastSeen: number;
  bestConfidence: number;
  crop: Buffer | null;
  /** The embedding of the face in the crop (null when not kept). */
  embedding: Float32Array | null;
}

export const PERSON_TRACES = Symbol('PERSON_TRACES');
