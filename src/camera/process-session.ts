import type { ChildProcess } from 'node:child_process';
import { Observable, Subject } from 'rxjs';
import type { CaptureEvent, CaptureSessionOptions } from './capture-events';
import { CaptureWatchdog } from './capture-watchdog';

/**
 * What every capture session shares, whatever decodes in its child process: the events, the
 * watchdog that kills a source that hangs, and ending exactly once.
 */
export abstract class ProcessSession {
  protected readonly eventsSubject = new Subject<CaptureEvent>();
  readonly events$: Observable<CaptureEvent> = this.eventsSubject.asObservable();
  protected abstract readonly child: ChildProcess;
  protected readonly watchdog: CaptureWatchdog;
  private readonly watchdogTimer: NodeJS.Timeout;
  /** How the session ends once the process is gone, when decided before it exits. */
  protected outcome?: CaptureEvent;
  protected finished = false;

  constructor(options: CaptureSessionOptions) {
    const readTimeoutMs = options.readTimeoutMs ?? 5000;
    this.watchdog = new CaptureWatchdog({ openTimeoutMs: options.openTimeoutMs ?? 15_000, readTimeoutMs }, performance.now());
    this.watchdogTimer = setInterval(() => this.checkWatchdog(), Math.max(20, Math.min(250, readTimeoutMs / 4)));
    this.watchdogTimer.unref();
  }

  /** No more events: the session is being stopped by its owner. */
  protected stopEvents(): void {
    this.finished = true;
    clearInterval(this.watchdogTimer);
  }

  /** Ends the session with `outcome` once the process is gone ('close' reports it). */
  protected kill(outcome: CaptureEvent): void {
    this.outcome = outcome;
    this.child.kill('SIGKILL');
  }

  protected finish(event: CaptureEvent): void {
    if (this.finished) return;
    this.stopEvents();
    this.eventsSubject.next(event);
    this.eventsSubject.complete();
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private checkWatchdog(): void {
    if (this.finished || this.outcome) return;
    const reason = this.watchdog.check(performance.now());
    // Blocked inside FFmpeg, it may not even read a stop command: kill it.
    if (reason) this.kill({ type: 'failed', reason, timedOut: true });
  }
}
