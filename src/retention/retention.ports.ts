import type { RetentionKind } from './retention-rules';

/** The stores of expiring records (one repository over the sightings, unknown_faces and audit_log tables). */
export abstract class ExpiringRecords {
  /** Deletes the records of `kind` older than `cutoff` (epoch ms); their ids. */
  abstract deleteExpired(kind: RetentionKind, cutoff: number): Promise<number[]>;
}

/** Where deletions are counted (Prometheus in the app). */
export abstract class RetentionMetrics {
  abstract deleted(kind: RetentionKind, count: number): void;
}
