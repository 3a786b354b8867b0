import { spawn } from 'node:child_process';

/** Runs `ffmpeg` (or $FFMPEG) with `args` to build a test clip; rejects with its error output. */
export function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.env.FFMPEG ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`ffmpeg exited ${code}: ${stderr.trim()}`))));
  });
}
