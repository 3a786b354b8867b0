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
