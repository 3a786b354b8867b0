import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CameraSource } from '../camera-source';
import type { CaptureSessionOptions, SourceSession } from '../capture-events';
import { ProcessSession } from '../process-session';
import { classifyLogLine, failureReason, ffmpegArguments, OpenedStream, parseDuration, parseOutputStream } from './ffmpeg-command';
import { FrameBufferPool } from './frame-buffer-pool';
import { frameHolds } from '../frame-holds';
import { RawFrameAssembler } from './raw-frame-assembler';

/** Bytes kept while FFmpeg's stream line has not been read yet (the socket and stderr race). */
const MAX_EARLY_BYTES = 256 * 1024 * 1024;
/** How often to look for FFmpeg's socket while it opens the source. */
const SOCKET_POLL_MS = 20;
/** Reads before the stream is described land here, and are copied. */
const SCRATCH_BYTES = 64 * 1024;

/**
 * One connection attempt through an `ffmpeg` child process: it decodes the source and writes
 * packed BGR frames to a Unix socket it listens on, which the server reads straight into each
 * frame's shared buffer (no intermediate buffer, no copy, no garbage per frame).
 * No Node.js runtime and no OpenCV in the child: ~75 MB and one decoding thread per camera.
 * Flow control is the socket itself: for a file read as fast as possible the reader stops
 * reading while the pipeline holds `maxInFlight` frames, and FFmpeg blocks on the full socket.
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
  private readonly socketDir: string;
  private readonly socketPath: string;
  private socket?: Socket;
  /** Resolves when the socket has delivered everything (or never connected). */
  private socketDone!: Promise<void>;
  private readonly scratch = Buffer.alloc(SCRATCH_BYTES);

  constructor(
    source: CameraSource,
    private readonly options: CaptureSessionOptions,
    ffmpegPath = 'ffmpeg',
  ) {
    super(options);
    this.flowControlled = source.kind === 'file' && !options.paced;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.socketDir = mkdtempSync(join(tmpdir(), 'face-stream-capture-'));
    this.socketPath = join(this.socketDir, 'frames.sock');
    this.child = spawn(ffmpegPath, ffmpegArguments(source, options, this.socketPath), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
    this.socketDone = new Promise((done) => this.connectWhenListening(done));

    createInterface({ input: this.child.stderr! }).on('line', (line) => this.onLogLine(line));
    this.child.on('error', (err) => this.finish({ type: 'failed', reason: `ffmpeg: ${err.message}` }));
    // Once the process has exited AND the socket has delivered everything, so no frame is lost.
    this.child.on('close', (code, signal) => void this.socketDone.then(() => this.onClose(code, signal)));
  }

  /** FFmpeg creates its socket once it has parsed its arguments; connect then, reading into the frames. */
  private connectWhenListening(done: () => void): void {
    if (this.finished || this.child.exitCode !== null || this.child.signalCode !== null) return done();
    if (!existsSync(this.socketPath)) {
      setTimeout(() => this.connectWhenListening(done), SOCKET_POLL_MS).unref();
      return;
    }
    const socket = connect({
      path: this.socketPath,
      onread: { buffer: () => this.assembler?.target() ?? this.scratch, callback: (n, buffer) => this.onRead(n, buffer) },
    });
    this.socket = socket;
    socket.on('error', () => undefined); // the process's exit reports the failure
    socket.once('close', () => done());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopEvents();
    this.socket?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // FFmpeg holds nothing worth flushing (raw frames to a reader that is leaving).
      this.child.kill('SIGKILL');
      await this.exited;
    }
    this.removeSocketDir();
    this.eventsSubject.complete();
  }

  protected finish(event: Parameters<ProcessSession['finish']>[0]): void {
    super.finish(event);
    this.socket?.destroy();
    this.removeSocketDir();
  }

  private removeSocketDir(): void {
    rmSync(this.socketDir, { recursive: true, force: true });
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

  /** `n` bytes were read into `buffer`: the assembler's frame in place, or the scratch before the stream was described. */
  private onRead(n: number, buffer: Uint8Array): boolean {
    if (this.finished) return true;
    if (buffer !== this.scratch) {
      this.assembler!.wrote(n);
      return true;
    }
    const chunk = Buffer.from(buffer.subarray(0, n)); // a copy: the scratch is read into again
    if (this.assembler) {
      this.assembler.push(chunk);
      return true;
    }
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes > MAX_EARLY_BYTES) this.kill({ type: 'failed', reason: 'ffmpeg wrote frames without describing them' });
    return true;
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
      if (this.outstanding < this.maxInFlight && this.socket!.isPaused()) {
        this.watchdog.resume(performance.now());
        this.socket!.resume();
      }
    };
    if (this.flowControlled && ++this.outstanding >= this.maxInFlight) {
      // FFmpeg now blocks on the full pipe on purpose: not a hang.
      this.watchdog.pause();
      this.socket!.pause();
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
