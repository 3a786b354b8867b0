import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CameraSource } from '../camera-source';
import type { CaptureSessionOptions, SourceSession } from '../capture-events';
import { ProcessSession } from '../process-session';
import { classifyLogLine, failureReason, ffmpegArguments, OpenedStream, parseDuration, parseOutputStream } from './ffmpeg-command';
import { FrameBufferPool } from './frame-buffer-pool';
import { frameHolds } from '../frame-holds';
import { RawFrameAssembler } from './raw-frame-assembler';

/** Bytes kept while FFmpeg's stream line has not been read yet (stdout and stderr race). */
const MAX_EARLY_BYTES = 256 * 1024 * 1024;

/**
 * One connection attempt through an `ffmpeg` child process: it decodes the source and writes
 * packed BGR frames to its stdout, which is copied straight into each frame's shared buffer.
 * No Node.js runtime and no OpenCV in the child: ~75 MB and one decoding thread per camera.
 * Flow control is the pipe itself: for a file read as fast as possible the reader stops
 * reading while the pipeline holds `maxInFlight` frames, and FFmpeg blocks on the full pipe.
 */
export class FfmpegSession extends ProcessSession implements SourceSession {
  protected readonly child: ChildProcess;
  private readonly flowControlled: boolean;
  private readonly maxInFlight: number;
  private readonly exited: Promise<void>;
  private assembler?: RawFrameAssembler;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  /** From the input's "Duration:" line (files), to number the frames of a looping file. */
  private durationSeconds?: number;
  private frameCount = 0;
  private position = 0;
  private corrupt = 0;
  private outstanding = 0;
  private firstError?: string;
  private stopping = false;

  constructor(
    source: CameraSource,
    private readonly options: CaptureSessionOptions,
    ffmpegPath = 'ffmpeg',
  ) {
    super(options);
    this.flowControlled = source.kind === 'file' && !options.paced;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.child = spawn(ffmpegPath, ffmpegArguments(source, options), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));

    createInterface({ input: this.child.stderr! }).on('line', (line) => this.onLogLine(line));
    this.child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stdout!.on('error', () => undefined); // the exit below reports the failure
    this.child.on('error', (err) => this.finish({ type: 'failed', reason: `ffmpeg: ${err.message}` }));
    // 'close': the process exited AND its pipes drained, so no frame is lost.
    this.child.on('close', (code, signal) => this.onClose(code, signal));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopEvents();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // FFmpeg holds nothing worth flushing (raw frames to a reader that is leaving).
      this.child.kill('SIGKILL');
      await this.exited;
    }
    this.eventsSubject.complete();
  }

  private onLogLine(line: string): void {
    if (this.finished) return;
    const duration = parseDuration(line);
    if (duration !== undefined) this.durationSeconds = duration;
    switch (classifyLogLine(line)) {
      case 'output-stream': {
        const stream = parseOutputStream(line);
        if (stream && !this.assembler) this.onOpened(stream);
        return;
      }
      case 'corrupt-frame':
        this.corrupt++;
        this.eventsSubject.next({ type: 'decoder-warning', message: line });
        return;
      case 'decoder-warning':
        this.eventsSubject.next({ type: 'decoder-warning', message: line });
        return;
      case 'error':
        this.firstError ??= line;
        return;
      case 'other':
        return;
    }
  }

  private onOpened(stream: OpenedStream): void {
    this.watchdog.progress(performance.now());
    // A looping file restarts its positions at 0, as the source's own frame numbers do.
    this.frameCount = this.durationSeconds ? Math.round(this.durationSeconds * stream.fps) : 0;
    const pool = new FrameBufferPool(stream.width * stream.height * 3);
    this.assembler = new RawFrameAssembler(pool, (data, readMs) => this.onFrame(stream, data, readMs, pool));
    this.eventsSubject.next({ type: 'opened', ...stream, frameCount: this.frameCount });
    const early = this.early;
    this.early = [];
    for (const chunk of early) this.assembler.push(chunk);
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    if (this.assembler) {
      this.assembler.push(chunk);
      return;
    }
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes > MAX_EARLY_BYTES) this.kill({ type: 'failed', reason: 'ffmpeg wrote frames without describing them' });
  }

  private onFrame(stream: OpenedStream, data: Uint8Array, readMs: number, pool: FrameBufferPool): void {
    if (this.finished) return;
    this.watchdog.progress(performance.now());
    const position = this.options.loop && this.frameCount > 0 ? this.position % this.frameCount : this.position;
    this.position++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (!this.flowControlled) return;
      this.outstanding--;
      if (this.outstanding < this.maxInFlight && this.child.stdout!.isPaused()) {
        this.watchdog.resume(performance.now());
        this.child.stdout!.resume();
      }
    };
    if (this.flowControlled && ++this.outstanding >= this.maxInFlight) {
      // FFmpeg now blocks on the full pipe on purpose: not a hang.
      this.watchdog.pause();
      this.child.stdout!.pause();
    }
    const corrupt = this.corrupt;
    this.corrupt = 0;
    const holds = frameHolds(() => pool.recycle(data));
    this.eventsSubject.next({
      type: 'frame',
      position,
      capturedAt: performance.timeOrigin + performance.now(),
      readMs,
      skipped: 0,
      corrupt,
      image: { width: stream.width, height: stream.height, data },
      release,
      recycle: holds.done,
      hold: holds.hold,
    });
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.outcome) return this.finish(this.outcome);
    if (this.stopping) return;
    if (code === 0 && this.assembler) return this.finish({ type: 'ended' });
    this.finish({ type: 'failed', reason: failureReason(this.firstError, String(signal ?? code)) });
  }
}
