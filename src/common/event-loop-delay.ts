import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface DelaySummary {
  /** Milliseconds. */
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export interface EventLoopDelayReport {
  windowMs: number;
  /** The last complete window. */
  last?: DelaySummary;
  /** The window in progress. */
  current: DelaySummary;
  /** The largest single delay seen in any complete window since the monitor started. */
  worstMax: number;
}

const RESOLUTION_MS = 10;

/** The histogram records the time between samples; the delay is what exceeds the sampling interval. */
const summarise = (h: IntervalHistogram): DelaySummary => {
  const ms = (ns: number) => (Number.isFinite(ns) && h.count > 0 ? Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100) : 0);
  return { mean: ms(h.mean), p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
};

/**
 * How late the main thread's event loop runs (perf_hooks.monitorEventLoopDelay), in windows of
 * `windowMs`, so a fault can be judged by the window it happened in and start-up is not mixed
 * into the figures.
 */
export class EventLoopDelayMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer?: NodeJS.Timeout;
  private last?: DelaySummary;
  private worstMax = 0;

  constructor(readonly windowMs = 5000) {}

  start(): void {
    if (this.timer) return;
    this.histogram.enable();
    this.timer = setInterval(() => this.roll(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.histogram.disable();
  }

  report(): EventLoopDelayReport {
    return { windowMs: this.windowMs, last: this.last, current: summarise(this.histogram), worstMax: this.worstMax };
  }

  private roll(): void {
    this.last = summarise(this.histogram);
    this.worstMax = Math.max(this.worstMax, this.last.max);
    this.histogram.reset();
  }
}
