/**
 * The FFmpeg command line for one camera and how to read what FFmpeg says on stderr. Pure: the
 * session (ffmpeg-session.ts) spawns and parses; these rules get unit tests of their own.
 */
import type { CameraSource } from '../camera-source';

export interface FfmpegCaptureOptions {
  loop: boolean;
  paced: boolean;
}

/** What the output stream line says once FFmpeg has opened the source. */
export interface OpenedStream {
  width: number;
  height: number;
  fps: number;
}

/** Frame rate assumed when the source does not say (some live streams). */
const DEFAULT_FPS = 25;

/**
 * Decode one video stream to packed BGR on stdout. One decoding thread: frame threading would
 * hold several frames back (latency) and multiply the decoder's memory for little gain at
 * camera resolutions (720p decodes in ~2.5 ms on one core).
 */
export function ffmpegArguments(source: CameraSource, options: FfmpegCaptureOptions, socketPath: string): string[] {
  const input: string[] = [];
  switch (source.kind) {
    case 'device':
      input.push('-f', 'v4l2', '-i', `/dev/video${source.index}`);
      break;
    case 'file':
      // -re plays the file at its own frame rate, like a camera; without it FFmpeg decodes as
      // fast as the pipe is read (the reader's flow control then paces it).
      if (options.paced) input.push('-re');
      if (options.loop) input.push('-stream_loop', '-1');
      input.push('-i', source.path);
      break;
    case 'url':
      // Live sources: hand over every frame as soon as it is decoded.
      input.push('-fflags', 'nobuffer', '-flags', 'low_delay');
      if (/^rtsps?:/i.test(source.url)) input.push('-rtsp_transport', 'tcp');
      input.push('-i', source.url);
      break;
  }
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    '-threads',
    '1',
    ...input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'bgr24',
    // A Unix socket FFmpeg listens on, rather than its stdout: the server reads it straight into
    // each frame's shared buffer (a pipe's reads arrive in fresh buffers: 270 MB/s of garbage
    // at four 720p cameras, and a full garbage collection several times a second).
    '-listen',
    '1',
    `unix:${socketPath}`,
  ];
}

const OUTPUT_STREAM = /^\s*Stream #0:0.*: Video: rawvideo\b.*?\b(\d{1,5})x(\d{1,5})\b/;
const FPS = /,\s*([\d.]+)\s*(?:fps|tbr)\b/;

/**
 * Reads the output stream line FFmpeg prints when it starts writing frames:
 * `  Stream #0:0(und): Video: rawvideo (BGR[24] / 0x18524742), bgr24(pc, …), 1280x720 […], q=2-31, 552960 kb/s, 25 fps, 25 tbn`.
 */
export function parseOutputStream(line: string): OpenedStream | undefined {
  const size = OUTPUT_STREAM.exec(line);
  if (!size) return undefined;
  const width = Number(size[1]);
  const height = Number(size[2]);
  if (width <= 0 || height <= 0) return undefined;
  const fps = Number(FPS.exec(line)?.[1]);
  return { width, height, fps: Number.isFinite(fps) && fps > 0 && fps < 240 ? fps : DEFAULT_FPS };
}

export type LogLineKind = 'output-stream' | 'corrupt-frame' | 'decoder-warning' | 'error' | 'other';

/** A decoder's own line: "[mjpeg @ 0x55d0c8] bits 62 is invalid". */
const DECODER_LINE = /^\[[\w .:-]+ @ (0x)?[0-9a-f]+\]/i;
/** One frame the decoder could not decode: FFmpeg drops it and goes on. */
const CORRUPT_FRAME = /^Error while decoding stream/i;
/** Lines that end a run: the reason a source failed (missing file, refused connection, …). */
const FAILURE = /(No such file or directory|Connection refused|Invalid data found|Server returned|Permission denied|Connection timed out|Input\/output error|not found|Could not|Cannot|Unknown input format|Operation not permitted|End of file)/i;

export function classifyLogLine(line: string): LogLineKind {
  if (OUTPUT_STREAM.test(line)) return 'output-stream';
  if (CORRUPT_FRAME.test(line)) return 'corrupt-frame';
  if (DECODER_LINE.test(line)) return 'decoder-warning';
  if (FAILURE.test(line)) return 'error';
  return 'other';
}

/** A failure reason for the camera's status, without URL credentials. */
export function failureReason(lastError: string | undefined, exit: string): string {
  const reason = lastError ? lastError.replace(/\/\/[^@/\s]*@/g, '//***@').trim() : `ffmpeg exited (${exit})`;
  return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
}

const DURATION = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/;

/** The input's duration in seconds from `  Duration: 00:00:10.00, start: …` (files; "N/A" for live sources). */
export function parseDuration(line: string): number | undefined {
  const match = DURATION.exec(line);
  if (!match) return undefined;
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return seconds > 0 ? seconds : undefined;
}
