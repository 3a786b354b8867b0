/**
 * How many refused admin attempts are written to the audit log: pure, no Nest, times in epoch ms.
 * Someone guessing keys makes thousands of attempts; the log keeps the first few per address
 * in each window (and a few in all), and counts the rest into the next entry it keeps from that
 * address (`suppressed`), so the log shows the attack without growing with it.
 */

export interface RefusalLimits {
  /** Entries kept per client address and window. */
  perClient: number;
  /** Entries kept from all addresses together per window. */
  total: number;
  windowMs: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { perClient: 5, total: 50, windowMs: 60_000 };

/** Most addresses remembered for their suppressed counts (a spoofing flood cannot grow memory without end). */
const MAX_CLIENTS = 10_000;

export type RefusalVerdict = { record: true; suppressed: number } | { record: false };

export class RefusalLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private total = 0;
  private readonly kept = new Map<string, number>();
  /** Attempts not recorded, per address, until one of theirs is. */
  private readonly suppressed = new Map<string, number>();

  constructor(private readonly limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS) {}

  /** Whether this attempt is recorded, and how many before it from the same address were not. */
  admit(client: string, now: number): RefusalVerdict {
    if (now - this.windowStart >= this.limits.windowMs || now < this.windowStart) {
      this.windowStart = now;
      this.total = 0;
      this.kept.clear();
    }
    const kept = this.kept.get(client) ?? 0;
    if (kept >= this.limits.perClient || this.total >= this.limits.total) {
      if (this.suppressed.has(client) || this.suppressed.size < MAX_CLIENTS) this.suppressed.set(client, (this.suppressed.get(client) ?? 0) + 1);
      return { record: false };
    }
    this.kept.set(client, kept + 1);
    this.total++;
    const suppressed = this.suppressed.get(client) ?? 0;
    this.suppressed.delete(client);
    return { record: true, suppressed };
  }
}
