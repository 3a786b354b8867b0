export interface WatchdogLimits {
  /** From the start of a session to the source being open. */
  openTimeoutMs: number;
  /** From the source opening (or the last frame) to the next frame. */
  readTimeoutMs: number;
}

/**
 * Detects a hung source: one that never opens, or stops delivering frames while the server is
 * ready for them (it accepted the connection and sends nothing, a stalled network, a blocked
 * device). While the pipeline itself holds every frame credit the capture is waiting on purpose,
 * so the clock is paused. Pure: the session polls `check(now)` and kills the capture when it
 * names a reason.
 */
export class CaptureWatchdog {
  private phase: 'opening' | 'reading' | 'paused' = 'opening';
  private since: number;

  constructor(
    private readonly limits: WatchdogLimits,
    now: number,
  ) {
    this.since = now;
  }

  /** The source opened or delivered a frame. */
  progress(now: number): void {
    this.phase = 'reading';
    this.since = now;
  }

  /** The capture is out of credit because the pipeline is busy: no frame is expected. */
  pause(): void {
    if (this.phase === 'reading') this.phase = 'paused';
  }

  /** Credit is back: a frame is expected within the read timeout from now. */
  resume(now: number): void {
    if (this.phase !== 'paused') return;
    this.phase = 'reading';
    this.since = now;
  }

  /** Why the source counts as hung at `now`, or undefined while it is fine. */
  check(now: number): string | undefined {
    const waited = now - this.since;
    if (this.phase === 'opening' && waited > this.limits.openTimeoutMs) return `source did not open within ${this.limits.openTimeoutMs} ms`;
    if (this.phase === 'reading' && waited > this.limits.readTimeoutMs) return `no frame within ${this.limits.readTimeoutMs} ms (read timeout)`;
    return undefined;
  }
}
