/**
 * The floor of one camera: what decoding its video and JPEG-encoding every frame cost at the
 * least, measured on this machine in the same run as the server, so the server's cores can be
 * put against it (`npm run bench -- cameras`).
 *
 * - decode: `ffmpeg -threads 1 -i VIDEO -f null -`, one decoding thread, no conversion, no
 *   output. Its CPU time is ffmpeg's own `-benchmark` figure: user + system time (getrusage, all
 *   its threads) from the start to the end of the decoding, so the ~0.2 s of loading its
 *   libraries and probing the file (a one-off, not a per-frame cost) is left out, and nothing
 *   else running on the machine is counted.
 * - encode: every frame JPEG-encoded once at quality 80 (STREAM_JPEG_QUALITY's default) with
 *   OpenCV's `imencode` from BGR pixels, as the server's renderer does (nothing drawn). The
 *   frames come decoded (and converted to BGR) from a separate ffmpeg process over a pipe; a
 *   child Node process (this file, run with `--encode-jpeg`: the OpenCV binding lives in one
 *   thread per process, so never in the caller's) sums process CPU time around each `imencode`
 *   call only: reading the pipe, the decoder and the conversion are not counted.
 *
 * Not in the floor: the BGR conversion the server's capture needs (~1–3 ms per 720p frame),
 * detection, recognition, drawing and sending. coresAtRealTime is (decode + encode CPU seconds) /
 * (frames / fps): the cores one camera needs at its own frame rate for decode + encode alone.
 */
import { spawn } from 'node:child_process';
import { extname } from 'node:path';

export interface Floor {
  video: string;
  decodeCpuSeconds: number;
  encodeCpuSeconds: number;
  /** Frames decoded (and encoded): the whole video, or its first `seconds`. */
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** (decode + encode CPU seconds) / (frames / fps). */
  coresAtRealTime: number;
}

export const FLOOR_JPEG_QUALITY = 80;

interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { stdinFrom?: NodeJS.ReadableStream } = {}): Promise<Output> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: [options.stdinFrom ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    if (options.stdinFrom) {
      child.stdin!.on('error', () => undefined); // the reader died: its exit code tells
      options.stdinFrom.pipe(child.stdin!);
    }
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Parses ffprobe's JSON for the first video stream. */
export function parseProbe(json: string): { width: number; height: number; fps: number; frames?: number } {
  const stream = (JSON.parse(json) as { streams?: Array<Record<string, string | number>> }).streams?.[0];
  if (!stream) throw new Error('no video stream');
  const rate = (text: unknown) => {
    const [n, d] = String(text ?? '').split('/').map(Number);
    return n > 0 && d > 0 ? n / d : NaN;
  };
  const fps = Number.isFinite(rate(stream.avg_frame_rate)) ? rate(stream.avg_frame_rate) : rate(stream.r_frame_rate);
  const frames = Number(stream.nb_frames);
  return { width: Number(stream.width), height: Number(stream.height), fps: fps > 0 && fps < 240 ? fps : 25, frames: frames > 0 ? frames : undefined };
}

export async function probeVideo(video: string): Promise<{ width: number; height: number; fps: number; frames?: number }> {
  const ffprobe = process.env.FFPROBE ?? 'ffprobe';
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate,nb_frames', '-of', 'json', video];
  const out = await run(ffprobe, args);
  if (out.code !== 0) throw new Error(`ffprobe ${video} failed (${out.code}): ${out.stderr.trim()}`);
  return parseProbe(out.stdout);
}

/** user + system seconds from ffmpeg's `-benchmark` line: "bench: utime=0.489s stime=0.027s rtime=0.567s". */
export function parseFfmpegBenchmark(stderr: string): number {
  const all = [...stderr.matchAll(/bench: utime=([\d.]+)s stime=([\d.]+)s/g)];
  if (!all.length) throw new Error(`no -benchmark line in ffmpeg's output ${JSON.stringify(stderr.slice(-300))}`);
  const last = all[all.length - 1];
  return Number(last[1]) + Number(last[2]);
}

/** The last `frame=N` of ffmpeg's -progress output. */
export function parseProgressFrames(progress: string): number {
  const all = [...progress.matchAll(/^frame=(\d+)$/gm)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
}

const limit = (seconds?: number) => (seconds && seconds > 0 ? ['-t', String(seconds)] : []);

/** CPU seconds and frame count of a single-thread decode of `video` (its first `seconds`). */
export async function measureDecode(video: string, seconds?: number): Promise<{ cpuSeconds: number; frames: number }> {
  const ffmpeg = process.env.FFMPEG ?? 'ffmpeg';
  // -benchmark's line is logged at the info level.
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'info', '-nostats', '-benchmark', '-threads', '1', ...limit(seconds), '-i', video, '-an', '-f', 'null', '-progress', 'pipe:1', '-'];
  const out = await run(ffmpeg, args);
  if (out.code !== 0) throw new Error(`ffmpeg decode of ${video} failed (${out.code}): ${out.stderr.trim()}`);
  return { cpuSeconds: parseFfmpegBenchmark(out.stderr), frames: parseProgressFrames(out.stdout) };
}

/** The command that runs this file as the JPEG-encoding child (compiled, or through ts-node in tests). */
function selfCommand(): string[] {
  return extname(__filename) === '.ts' ? ['-r', 'ts-node/register/transpile-only', __filename] : [__filename];
}

/** CPU seconds of JPEG-encoding every frame of `video` (its first `seconds`) at `quality`, in a child process. */
export async function measureEncode(video: string, width: number, height: number, seconds?: number, quality = FLOOR_JPEG_QUALITY): Promise<{ cpuSeconds: number; frames: number; wallSeconds: number; meanJpegBytes: number }> {
  const ffmpeg = process.env.FFMPEG ?? 'ffmpeg';
  const decoder = spawn(ffmpeg, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1', ...limit(seconds), '-i', video, '-an', '-f', 'rawvideo', '-pix_fmt', 'bgr24', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let decoderErr = '';
  decoder.stderr!.on('data', (d) => (decoderErr += d));
  const decoderExit = new Promise<number | null>((done) => decoder.on('close', (code) => done(code)));
  const out = await run(process.execPath, [...selfCommand(), '--encode-jpeg', String(width), String(height), String(quality)], { stdinFrom: decoder.stdout! });
  const decoderCode = await decoderExit;
  if (out.code !== 0) throw new Error(`JPEG encode child failed (${out.code}): ${out.stderr.trim()}`);
  if (decoderCode !== 0) throw new Error(`ffmpeg decode of ${video} for encoding failed (${decoderCode}): ${decoderErr.trim()}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

export async function measureFloor(video: string, seconds?: number): Promise<Floor> {
  const info = await probeVideo(video);
  const decode = await measureDecode(video, seconds);
  const encode = await measureEncode(video, info.width, info.height, seconds);
  const frames = decode.frames || encode.frames;
  return {
    video,
    decodeCpuSeconds: decode.cpuSeconds,
    encodeCpuSeconds: encode.cpuSeconds,
    frames,
    fps: info.fps,
    width: info.width,
    height: info.height,
    coresAtRealTime: frames > 0 ? (decode.cpuSeconds + encode.cpuSeconds) / (frames / info.fps) : 0,
  };
}

/**
 * The child: reads raw BGR frames of width x height from stdin, JPEG-encodes each with OpenCV,
 * and prints { frames, cpuSeconds, wallSeconds, meanJpegBytes } (CPU and wall time of the
 * `imencode` calls only).
 */
async function encodeChild(width: number, height: number, quality: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cv } = require('../common/opencv') as typeof import('../common/opencv');
  cv.setNumThreads?.(1);
  const frameBytes = width * height * 3;
  const frame = Buffer.alloc(frameBytes);
  let filled = 0;
  let frames = 0;
  let cpuMicros = 0;
  let wallMs = 0;
  let jpegBytes = 0;
  const encode = () => {
    const mat = new cv.Mat(frame, height, width, cv.CV_8UC3);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const jpeg = cv.imencode('.jpg', mat, [cv.IMWRITE_JPEG_QUALITY, quality]);
    wallMs += performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
    jpegBytes += jpeg.length;
    mat.release();
    frames++;
  };
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        encode();
        filled = 0;
      }
    }
  }
  if (filled !== 0) throw new Error(`input ended inside a frame (${filled} of ${frameBytes} bytes)`);
  console.log(JSON.stringify({ frames, cpuSeconds: cpuMicros / 1e6, wallSeconds: wallMs / 1000, meanJpegBytes: frames ? Math.round(jpegBytes / frames) : 0 }));
}

if (require.main === module) {
  const [flag, w, h, q] = process.argv.slice(2);
  const main = flag === '--encode-jpeg' ? encodeChild(Number(w), Number(h), Number(q ?? FLOOR_JPEG_QUALITY)) : measureFloor(flag, w ? Number(w) : undefined).then((f) => console.log(JSON.stringify(f, null, 2)));
  main.catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
