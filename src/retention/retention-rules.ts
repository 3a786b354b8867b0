/**
 * What has expired at a given time: pure, no Nest, no I/O; times are epoch ms.
 * A record expires `days` after its time (a sighting's end, a stranger's last sighting, an
 * audit entry's moment); 0 days keeps it forever.
 */

export const DAY_MS = 86_400_000;

/** The kinds of records that expire, as counted in the metrics. */
export const RETENTION_KINDS = ['sightings', 'unknown_faces', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Days each kind is kept (0 = forever). */
export type RetentionPolicy = Record<RetentionKind, number>;

/** Records whose time is before this are expired at `now`; null when the kind is kept forever. */
export function expiryCutoff(days: number, now: number): number | null {
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`retention must be 0 or more days (got ${days})`);
  return days === 0 ? null : now - days * DAY_MS;
}

/** Whether a record of time `recordTime` has expired at `now`. */
export function isExpired(recordTime: number, days: number, now: number): boolean {
  const cutoff = expiryCutoff(days, now);
  return cutoff !== null && recordTime < cutoff;
}

/** The cutoff of every kind at `now` (kinds kept forever left out). */
export function cutoffsAt(policy: RetentionPolicy, now: number): Array<{ kind: RetentionKind; cutoff: number }> {
  return RETENTION_KINDS.flatMap((kind) => {
    const cutoff = expiryCutoff(policy[kind], now);
    return cutoff === null ? [] : [{ kind, cutoff }];
  });
}
