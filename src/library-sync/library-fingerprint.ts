import { createHash } from 'node:crypto';

/**
 * A cheap summary of the library, computed the same way from the database (one aggregate query,
 * pg-library-changes.ts) and from a node's in-memory gallery: when the two differ, the gallery
 * missed a change. Who is enrolled and under which name (a sum of 32-bit hashes of "id:name"),
 * and which samples of the running model (their count and the sum of their ids: ids are never
 * reused, so a face added and another removed still changes it).
 */
export interface LibraryFingerprint {
  people: number;
  nameHash: number;
  samples: number;
  sampleIdSum: number;
}

/** The first 32 bits of md5("id:name"), as PostgreSQL computes it: ('x' || substr(md5(id || ':' || name), 1, 8))::bit(32)::bigint. */
export function nameHashOf(personId: number, name: string): number {
  return parseInt(createHash('md5').update(`${personId}:${name}`, 'utf8').digest('hex').slice(0, 8), 16);
}

export function fingerprintOf(people: ReadonlyArray<{ personId: number; name: string }>, sampleIds: readonly number[]): LibraryFingerprint {
  return {
    people: people.length,
    // Sums of 32-bit values: exact as doubles up to two million people.
    nameHash: people.reduce((sum, { personId, name }) => sum + nameHashOf(personId, name), 0),
    samples: sampleIds.length,
    sampleIdSum: sampleIds.reduce((sum, id) => sum + id, 0),
  };
}

/** How two fingerprints differ ('' when they do not), for the log. */
export function fingerprintDifference(store: LibraryFingerprint, gallery: LibraryFingerprint): string {
  const parts: string[] = [];
  if (store.people !== gallery.people) parts.push(`${store.people} people stored, ${gallery.people} in the gallery`);
  else if (store.nameHash !== gallery.nameHash) parts.push('names differ');
  if (store.samples !== gallery.samples) parts.push(`${store.samples} samples stored, ${gallery.samples} in the gallery`);
  else if (store.sampleIdSum !== gallery.sampleIdSum) parts.push('samples differ');
  return parts.join('; ');
}
