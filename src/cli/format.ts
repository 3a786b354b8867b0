import { cpus, loadavg } from 'node:os';

export const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : '-');
export const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
/** A count out of a total with its percentage: `363/372 (97.6 %)`. */
export const ratio = (n: number, total: number) => `${n}/${total} (${pct(total ? n / total : NaN)})`;
/** Rounds for JSON output, so reports are not full of float noise. */
export const round = (x: number, digits = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/** Cores and load, printed next to timings (a busy machine makes everything slower). */
export function machineLoad(): { cores: number; loadAvg1m: number } {
  return { cores: cpus().length, loadAvg1m: Math.round(loadavg()[0] * 100) / 100 };
}

/** Indented JSON on stdout, with arrays of plain numbers (boxes, per-fold figures) kept on one line. */
export function printJson(value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.e+-]+(?:,\s+-?[\d.e+-]+)*)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`);
  process.stdout.write(`${text}\n`);
}
