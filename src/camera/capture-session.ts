import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { resolveEntryPoint } from '../common/entry-point';
import type { CameraSource } from './camera-source';
import { CaptureCommand, CaptureReport, CaptureSettings, FRAME_PIPE_FD } from './capture.protocol';
import type { CaptureEvent, CaptureSessionOptions, SourceSession } from './capture-events';
import { FrameParser, WireFrame } from './frame-wire';
import { ProcessSession } from './process-session';

/** FFmpeg's own log lines: "[mjpeg @ 0x55d0c8] bits 62 is invalid". */
const FFMPEG_LOG_LINE = /^\[[\w .:-]+ @ (0x)?[0-9a-f]+\]/i;

const CAPTURE_MODULE = resolve(__dirname, 'capture.process');

/**
 * The boundary around one opened source: a capture process and its frame pipe. One session
 * per connection attempt; the camera service starts a new one to reconnect.
 */
export class CaptureSession extends ProcessSession implements SourceSession {
  protected readonly child: ChildProcess;
  /** Unpaced files are credited when the pipeline releases a frame; others on arrival. */
  private readonly creditOnRelease: boolean;
  private readonly exited: Promise<void>;
  private readonly maxInFlight: number;
  /** Frames handed to the pipeline and not released yet (matters when credited on release). */
  private outstanding = 0;

  constructor(source: CameraSource, options: CaptureSessionOptions) {
    super(options);
    this.creditOnRelease = source.kind === 'file' && !options.paced;
    this.maxInFlight = options.maxInFlight ?? 2;
    const settings: CaptureSettings = { source, loop: options.loop, paced: options.paced, maxInFlight: this.maxInFlight };
    const readTimeoutMs = options.readTimeoutMs ?? 5000;
    const entry = resolveEntryPoint(CAPTURE_MODULE);
    this.child = spawn(process.execPath, [...entry.execArgv, entry.file, JSON.stringify(settings)], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc', 'pipe'],
      // The watchdog below is what detects a hang (any kind: network, device, decoder). FFmpeg's
      // own network timeout (unless set explicitly) is a backstop at twice the read timeout, so
      // a capture process blocked in a read returns by itself even if nobody kills it.
      env: { ...process.env, OPENCV_FFMPEG_CAPTURE_OPTIONS: process.env.OPENCV_FFMPEG_CAPTURE_OPTIONS ?? `rw_timeout;${readTimeoutMs * 2000}` },
    });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));

    // FFmpeg logs decoding problems (corrupt data) on stderr: count them; pass anything else on.
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      if (FFMPEG_LOG_LINE.test(line)) {
        if (!this.finished) this.eventsSubject.next({ type: 'decoder-warning', message: line });
      } else {
        process.stderr.write(`${line}\n`);
      }
    });

    const parser = new FrameParser((frame) => this.onFrame(frame));
    const framePipe = this.child.stdio[FRAME_PIPE_FD] as Readable;
    framePipe.on('data', (chunk: Buffer) => {
      try {
        parser.push(chunk);
      } catch (err) {
        this.kill({ type: 'failed', reason: (err as Error).message });
      }
    });
    framePipe.on('error', () => undefined); // the exit below reports the failure
    this.child.on('message', (report: CaptureReport) => this.onReport(report));
    this.child.on('error', (err) => this.finish({ type: 'failed', reason: `capture process: ${err.message}` }));
    // 'close' fires once the process exited AND its pipes drained, so no frame is lost.
    this.child.on('close', (code, signal) =>
      this.finish(this.outcome ?? { type: 'failed', reason: `capture process exited (${signal ?? code})` }),
    );
  }

  async stop(): Promise<void> {
    this.stopEvents();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.send({ type: 'stop' });
      // It may be stuck inside a blocking open or read: give it a moment, then kill it.
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
      await this.exited;
      clearTimeout(timer);
    }
    this.eventsSubject.complete();
  }

  private onReport(report: CaptureReport): void {
    switch (report.type) {
      case 'opened':
        this.watchdog.progress(performance.now());
        if (!this.finished) this.eventsSubject.next(report);
        return;
      case 'ended':
        this.outcome = { type: 'ended' };
        return;
      case 'error':
        this.outcome = { type: 'failed', reason: report.message };
        return;
    }
  }

  private onFrame(frame: WireFrame): void {
    if (this.finished) return;
    this.watchdog.progress(performance.now());
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (!this.creditOnRelease) return;
      this.outstanding--;
      this.watchdog.resume(performance.now());
      this.send({ type: 'credit' });
    };
    if (this.creditOnRelease) {
      // The capture waits for credit while the pipeline holds every frame: not a hang.
      if (++this.outstanding >= this.maxInFlight) this.watchdog.pause();
    } else {
      this.send({ type: 'credit' });
    }
    this.eventsSubject.next({
      type: 'frame',
      position: frame.position,
      capturedAt: frame.capturedAt,
      readMs: frame.readMs,
      skipped: frame.skipped,
      corrupt: frame.corrupt,
      image: { width: frame.width, height: frame.height, data: frame.data },
      release,
    });
  }

  private send(command: CaptureCommand): void {
    if (this.child.connected) this.child.send(command, () => undefined);
  }
}
