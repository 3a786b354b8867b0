/** Events per second over a sliding window (frames out of the stream). */
export class RateWindow {
  private readonly times: number[] = [];

  constructor(private readonly windowMs: number) {}

  record(now: number): void {
    this.times.push(now);
    this.expire(now);
  }

  ratePerSecond(now: number): number {
    this.expire(now);
    return (this.times.length * 1000) / this.windowMs;
  }

  private expire(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] <= from) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
}

/**
 * Per-camera rates from a counter sampled now and then (frames through each pipeline): the
 * increase over the last `windowMs`, per second. Cameras not sampled for a window are forgotten.
 */
export class CameraRates {
  private readonly samples = new Map<string, Array<{ at: number; count: number }>>();

  constructor(private readonly windowMs: number) {}

  sample(camera: string, count: number, now: number): void {
    const points = this.samples.get(camera) ?? [];
    points.push({ at: now, count });
    // Keep one point older than the window, to measure the whole window.
    while (points.length > 2 && points[1].at <= now - this.windowMs) points.shift();
    this.samples.set(camera, points);
  }

  ratePerSecond(camera: string, now: number): number {
    const points = this.samples.get(camera);
    if (!points || points.length < 2 || now - points[points.length - 1].at > this.windowMs) return 0;
    const first = points[0];
    const last = points[points.length - 1];
    return last.at > first.at ? ((last.count - first.count) * 1000) / (last.at - first.at) : 0;
  }

  forget(camera: string): void {
    this.samples.delete(camera);
  }
}
