import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Observable, Subject } from 'rxjs';
import { resolveEntryPoint } from '../common/entry-point';
import type { CameraSource } from './camera-source';
import { CaptureCommand, CaptureReport, CaptureSettings, FRAME_PIPE_FD } from './capture.protocol';
import { FrameParser } from './frame-wire';
import type { Frame } from './frame';

export type CaptureEvent =
  | { type: 'opened'; width: number; height: number; fps: number; frameCount: number }
  | { type: 'frame'; position: number; capturedAt: number; readMs: number; skipped: number; image: Frame['image']; release: () => void }
  | { type: 'ended' }
  | { type: 'failed'; reason: string };

const CAPTURE_MODULE = resolve(__dirname, 'capture.process');

/**
 * The boundary around one opened source: a capture process and its frame pipe. One session
 * per connection attempt; the camera service starts a new one to reconnect.
 */
export class CaptureSession {
  private readonly eventsSubject = new Subject<CaptureEvent>();
  readonly events$: Observable<CaptureEvent> = this.eventsSubject.asObservable();
  private readonly child: ChildProcess;
  /** Unpaced files are credited when the pipeline releases a frame; others on arrival. */
  private readonly creditOnRelease: boolean;
  private finished = false;
  private outcome?: CaptureEvent;
  private readonly exited: Promise<void>;

  constructor(source: CameraSource, options: { loop: boolean; paced: boolean; maxInFlight?: number }) {
    this.creditOnRelease = source.kind === 'file' && !options.paced;
    const settings: CaptureSettings = { source, loop: options.loop, paced: options.paced, maxInFlight: options.maxInFlight ?? 2 };
    const entry = resolveEntryPoint(CAPTURE_MODULE);
    this.child = spawn(process.execPath, [...entry.execArgv, entry.file, JSON.stringify(settings)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'],
    });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));

    const parser = new FrameParser((frame) => this.onFrame(frame));
    const framePipe = this.child.stdio[FRAME_PIPE_FD] as Readable;
    framePipe.on('data', (chunk: Buffer) => {
      try {
        parser.push(chunk);
      } catch (err) {
        this.outcome = { type: 'failed', reason: (err as Error).message };
        this.child.kill('SIGKILL');
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
    this.finished = true;
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

  private onFrame(frame: { position: number; capturedAt: number; readMs: number; skipped: number; width: number; height: number; data: Uint8Array }): void {
    if (this.finished) return;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (this.creditOnRelease) this.send({ type: 'credit' });
    };
    if (!this.creditOnRelease) this.send({ type: 'credit' });
    this.eventsSubject.next({
      type: 'frame',
      position: frame.position,
      capturedAt: frame.capturedAt,
      readMs: frame.readMs,
      skipped: frame.skipped,
      image: { width: frame.width, height: frame.height, data: frame.data },
      release,
    });
  }

  private send(command: CaptureCommand): void {
    if (this.child.connected) this.child.send(command, () => undefined);
  }

  private finish(event: CaptureEvent): void {
    if (this.finished) return;
    this.finished = true;
    this.eventsSubject.next(event);
    this.eventsSubject.complete();
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
