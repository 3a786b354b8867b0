import { backoffDelay } from './backoff';

export interface ReconnectLimits {
  /** First delay after a failure. */
  initialMs: number;
  /** Cap of the doubling delay. */
  maxMs: number;
  /**
   * A session that delivered frames for at least this long counts as a recovery: the next failure
   * starts again from `initialMs`. A source that flaps (a frame, then a failure) keeps backing off.
   */
  stableAfterMs: number;
}

/** When to reopen a failed camera: capped exponential backoff, reset by a stable session. Pure. */
export class ReconnectPolicy {
  private failures = 0;
  private liveSince?: number;

  constructor(private readonly limits: ReconnectLimits) {}

  /** Failures since the last stable session. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The current session delivered a frame at `now`. */
  onFrame(now: number): void {
    this.liveSince ??= now;
  }

  /** The current session failed or ended at `now`: how long to wait before the next attempt. */
  onFailure(now: number): number {
    if (this.liveSince !== undefined && now - this.liveSince >= this.limits.stableAfterMs) this.failures = 0;
    this.liveSince = undefined;
    this.failures++;
    return backoffDelay(this.failures, this.limits.initialMs, this.limits.maxMs);
  }
}
