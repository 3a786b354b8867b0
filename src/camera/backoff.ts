/** Capped exponential backoff: initial, 2x initial, 4x ... up to max. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  if (attempt <= 0) return 0;
  return Math.min(maxMs, initialMs * 2 ** (attempt - 1));
}
