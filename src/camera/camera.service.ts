import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { BehaviorSubject, Observable, Subject, Subscription } from 'rxjs';
import { backoffDelay } from './backoff';
import { CameraSource, describeCameraSource } from './camera-source';
import { CaptureSession } from './capture-session';
import type { Frame } from './frame';

export const CAMERA_OPTIONS = Symbol('CAMERA_OPTIONS');

export interface CameraOptions {
  source: CameraSource;
  /** Restart files at their end (a camera that never stops). */
  loop: boolean;
  /** Pace files at their frame rate; false reads as fast as possible (benchmarks). */
  paced: boolean;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
}

export type CameraState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'stopped';

export interface CameraStatus {
  state: CameraState;
  source: string;
  width: number;
  height: number;
  fps: number;
  framesCaptured: number;
  framesSkipped: number;
  reconnects: number;
  lastError?: string;
}

/**
 * Reads the configured source continuously and publishes frames as a hot stream; whoever
 * consumes the frames (the stream service) starts it once subscribed, so none is lost.
 * Failures and unexpected ends reopen the source with capped exponential backoff;
 * subscribers just see frames resume.
 */
@Injectable()
export class CameraService implements OnModuleDestroy {
  private readonly logger = new Logger(CameraService.name);
  private readonly framesSubject = new Subject<Frame>();
  /** Every captured frame, hot: late subscribers get frames from now on. */
  readonly frames$: Observable<Frame> = this.framesSubject.asObservable();
  readonly state$ = new BehaviorSubject<CameraState>('idle');

  private session?: CaptureSession;
  private sessionSub?: Subscription;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private nextIndex = 0;
  private readonly status: CameraStatus;

  constructor(@Inject(CAMERA_OPTIONS) private readonly options: CameraOptions) {
    this.status = {
      state: 'idle',
      source: describeCameraSource(options.source),
      width: 0,
      height: 0,
      fps: 0,
      framesCaptured: 0,
      framesSkipped: 0,
      reconnects: 0,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
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
    this.setState(this.failures === 0 ? 'connecting' : 'reconnecting');
    const session = new CaptureSession(this.options.source, { loop: this.options.loop, paced: this.options.paced });
    this.session = session;
    this.sessionSub = session.events$.subscribe((event) => {
      switch (event.type) {
        case 'opened':
          Object.assign(this.status, { width: event.width, height: event.height, fps: event.fps });
          this.logger.log(`opened ${this.status.source}: ${event.width}x${event.height} @ ${event.fps.toFixed(1)} fps`);
          return;
        case 'frame':
          if (this.state$.value !== 'live') this.setState('live');
          this.failures = 0;
          this.status.framesCaptured++;
          this.status.framesSkipped += event.skipped;
          this.framesSubject.next({
            index: this.nextIndex++,
            position: event.position,
            capturedAt: event.capturedAt,
            readMs: event.readMs,
            image: event.image,
            release: event.release,
          });
          return;
        case 'ended':
          this.onSessionOver(undefined);
          return;
        case 'failed':
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
    this.failures++;
    this.status.reconnects++;
    this.status.lastError = reason ?? 'source ended unexpectedly';
    const delay = backoffDelay(this.failures, this.options.reconnectInitialMs, this.options.reconnectMaxMs);
    this.logger.warn(`camera ${this.status.source}: ${this.status.lastError}; reconnecting in ${delay} ms`);
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private setState(state: CameraState): void {
    if (this.state$.value !== state) this.state$.next(state);
  }
}
