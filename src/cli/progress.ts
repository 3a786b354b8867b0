import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** One more item done; `label` is shown next to the bar. */
  tick(label?: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr, only when stderr is a terminal: piped or logged runs (CI, tests,
 * `2> log`) get no control characters at all.
 */
export function progressBar(total: number, title: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0) return { tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream,
      format: `${title} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted} | {item}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { item: '' });
  return {
    tick: (label) => bar.increment(1, { item: label ? basename(label) : '' }),
    stop: () => bar.stop(),
  };
}
