import { Logger } from '@nestjs/common';
import { BehaviorSubject, Observable, Subject, Subscription } from 'rxjs';
import { CameraSource, describeCameraSource } from './camera-source';
import type { OpenSession, SourceSession } from './capture-events';
import { ReconnectPolicy } from './reconnect-policy';
import type { Frame } from './frame';

export interface CameraOptions {
  /** The camera's name, in its log lines. */
  name?: string;
  source: CameraSource;
  /** Restart files at their end (a camera that never stops). */
  loop: boolean;
  /** Pace files at their frame rate; false reads as fast as possible (benchmarks). */
  paced: boolean;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** A session that delivered frames this long resets the backoff (default 10 s). */
  reconnectStableAfterMs?: number;
  /** Start of a capture process to the source being open (default 15 s). */
  openTimeoutMs?: number;
  /** No frame for this long while the pipeline is ready: the source is hung, reopen it (default 5 s). */
  readTimeoutMs?: number;
}

export type CameraState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'stopped';

export interface CameraStatus {
  state: CameraState;
  source: string;
  width: number;
  height: number;
  fps: number;
  framesCaptured: number;
  /** Frames read but not taken because the pipeline was busy (live sources). */
  framesSkipped: number;
  /** Frames the decoder could not read (corrupt data), skipped without ending the capture. */
  corruptFramesSkipped: number;
  /** FFmpeg decoder warnings logged by the capture process (corrupt or truncated data). */
  decoderWarnings: number;
  /** Sessions killed by the watchdog: a source that never opened or stopped delivering frames. */
  readTimeouts: number;
  /** Reconnect attempts (failed or ended sessions). */
  reconnects: number;
  /** Epoch ms of the last frame, 0 before the first. */
  lastFrameAt: number;
  /** How long the last outage lasted: from the failure to the next frame (ms). */
  lastOutageMs?: number;
  lastError?: string;
}

/** A camera's counters before its first frame. */
export function initialCameraStatus(source: string): CameraStatus {
  return {
    state: 'idle',
    source,
    width: 0,
    height: 0,
    fps: 0,
    framesCaptured: 0,
    framesSkipped: 0,
    corruptFramesSkipped: 0,
    decoderWarnings: 0,
    readTimeouts: 0,
    reconnects: 0,
    lastFrameAt: 0,
  };
}

/**
 * Reads one camera's source continuously and publishes frames as a hot stream; whoever
 * consumes the frames (the camera's pipeline) starts it once subscribed, so none is lost.
 * Failures and unexpected ends reopen the source with capped exponential backoff;
 * subscribers just see frames resume.
 */
export class CameraCapture {
  private readonly logger: Logger;
  private readonly framesSubject = new Subject<Frame>();
  /** Every captured frame, hot: late subscribers get frames from now on. */
  readonly frames$: Observable<Frame> = this.framesSubject.asObservable();
  readonly state$ = new BehaviorSubject<CameraState>('idle');

  private session?: SourceSession;
  private sessionSub?: Subscription;
  private retryTimer?: NodeJS.Timeout;
  private readonly reconnectPolicy: ReconnectPolicy;
  /** When the current outage began (performance.now()), while the camera is down. */
  private outageSince?: number;
  private lastDecoderLogAt = 0;
  private decoderWarningsUnlogged = 0;
  private nextIndex = 0;
  private readonly status: CameraStatus;

  constructor(
    private readonly options: CameraOptions,
    /** Starts one connection attempt: an FFmpeg process, or a Node.js process with OpenCV. */
    private readonly openSession: OpenSession,
  ) {
    this.logger = new Logger(options.name ? `Camera ${options.name}` : CameraCapture.name);
    this.reconnectPolicy = new ReconnectPolicy({
      initialMs: options.reconnectInitialMs,
      maxMs: options.reconnectMaxMs,
      stableAfterMs: options.reconnectStableAfterMs ?? 10_000,
    });
    this.status = initialCameraStatus(describeCameraSource(options.source));
  }

  getStatus(): CameraStatus {
    return { ...this.status, state: this.state$.value };
  }

  start(): void {
    if (this.session || this.retryTimer) return;
    this.connect();
  }

  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.sessionSub?.unsubscribe();
    const session = this.session;
    this.session = undefined;
    await session?.stop();
    this.setState('stopped');
    this.framesSubject.complete();
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.setState(this.status.reconnects > 0 ? 'reconnecting' : 'connecting');
    const session = this.openSession(this.options.source, {
      loop: this.options.loop,
      paced: this.options.paced,
      openTimeoutMs: this.options.openTimeoutMs,
      readTimeoutMs: this.options.readTimeoutMs,
    });
    this.session = session;
    this.sessionSub = session.events$.subscribe((event) => {
      switch (event.type) {
        case 'opened':
          Object.assign(this.status, { width: event.width, height: event.height, fps: event.fps });
          this.logger.log(`opened ${this.status.source}: ${event.width}x${event.height} @ ${event.fps.toFixed(1)} fps`);
          return;
        case 'frame': {
          const now = performance.now();
          this.reconnectPolicy.onFrame(now);
          if (this.outageSince !== undefined) {
            this.status.lastOutageMs = Math.round(now - this.outageSince);
            this.logger.log(`camera ${this.status.source} is back after ${this.status.lastOutageMs} ms`);
            this.outageSince = undefined;
          }
          if (this.state$.value !== 'live') this.setState('live');
          this.status.framesCaptured++;
          this.status.framesSkipped += event.skipped;
          this.status.corruptFramesSkipped += event.corrupt;
          this.status.lastFrameAt = event.capturedAt;
          this.framesSubject.next({
            index: this.nextIndex++,
            position: event.position,
            capturedAt: event.capturedAt,
            readMs: event.readMs,
            image: event.image,
            release: event.release,
            recycle: event.recycle,
            hold: event.hold,
          });
          return;
        }
        case 'decoder-warning':
          this.onDecoderWarning(event.message);
          return;
        case 'ended':
          this.onSessionOver(undefined);
          return;
        case 'failed':
          if (event.timedOut) this.status.readTimeouts++;
          this.onSessionOver(event.reason);
          return;
      }
    });
  }

  private onSessionOver(reason: string | undefined): void {
    this.sessionSub?.unsubscribe();
    this.session = undefined;
    const finiteFile = this.options.source.kind === 'file' && !this.options.loop;
    if (reason === undefined && finiteFile) {
      this.logger.log(`${this.status.source} ended`);
      this.setState('ended');
      this.framesSubject.complete();
      return;
    }
    const now = performance.now();
    this.outageSince ??= now;
    this.status.reconnects++;
    this.status.lastError = reason ?? 'source ended unexpectedly';
    const delay = this.reconnectPolicy.onFailure(now);
    this.logger.warn(`camera ${this.status.source}: ${this.status.lastError}; reconnecting in ${delay} ms`);
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Counted always; logged at most every 5 s, so a stream of garbage cannot flood the log. */
  private onDecoderWarning(message: string): void {
    this.status.decoderWarnings++;
    this.decoderWarningsUnlogged++;
    const now = performance.now();
    if (now - this.lastDecoderLogAt < 5000) return;
    this.logger.warn(`camera ${this.status.source}: decoder: ${message.slice(0, 200)} (${this.decoderWarningsUnlogged} decoder warning(s) since the last report)`);
    this.lastDecoderLogAt = now;
    this.decoderWarningsUnlogged = 0;
  }

  private setState(state: CameraState): void {
    if (this.state$.value !== state) this.state$.next(state);
  }
}
