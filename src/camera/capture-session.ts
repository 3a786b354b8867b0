import { resolve } from 'node:path';
import { Observable, Subject } from 'rxjs';
import { startWorker } from '../common/worker-rpc';
import type { CameraSource } from './camera-source';
import type { CaptureMessage, CaptureWorkerData } from './capture.protocol';
import type { Frame } from './frame';

export type CaptureEvent =
  | { type: 'opened'; width: number; height: number; fps: number; frameCount: number }
  | { type: 'frame'; position: number; capturedAt: number; readMs: number; skipped: number; image: Frame['image'] }
  | { type: 'ended' }
  | { type: 'failed'; reason: string };

const WORKER_MODULE = resolve(__dirname, 'capture.worker');

/**
 * The boundary around one opened source: a capture worker thread and its messages.
 * One session per connection attempt; the camera service makes a new one to reconnect.
 */
export class CaptureSession {
  private readonly eventsSubject = new Subject<CaptureEvent>();
  readonly events$: Observable<CaptureEvent> = this.eventsSubject.asObservable();
  private readonly inFlight = new Int32Array(new SharedArrayBuffer(4));
  private finished = false;
  private readonly worker;

  constructor(source: CameraSource, options: { loop: boolean; paced: boolean; maxInFlight?: number }) {
    const data: CaptureWorkerData = {
      source,
      loop: options.loop,
      paced: options.paced,
      inFlight: this.inFlight.buffer as SharedArrayBuffer,
      maxInFlight: options.maxInFlight ?? 2,
    };
    this.worker = startWorker(WORKER_MODULE, { workerData: data, name: 'capture' });
    this.worker.on('message', (msg: CaptureMessage) => this.onMessage(msg));
    this.worker.on('error', (err) => this.finish({ type: 'failed', reason: err.message }));
    this.worker.on('exit', (code) => this.finish({ type: 'failed', reason: `capture thread exited (${code})` }));
  }

  async stop(): Promise<void> {
    this.finished = true;
    this.worker.postMessage('stop');
    // The worker may be inside a blocking read: give it a moment, then end it.
    const exited = new Promise<void>((done) => this.worker.once('exit', () => done()));
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
    this.eventsSubject.complete();
  }

  private onMessage(msg: CaptureMessage): void {
    switch (msg.type) {
      case 'opened':
        this.eventsSubject.next(msg);
        return;
      case 'frame':
        Atomics.sub(this.inFlight, 0, 1);
        this.eventsSubject.next({
          type: 'frame',
          position: msg.position,
          capturedAt: msg.capturedAt,
          readMs: msg.readMs,
          skipped: msg.skipped,
          image: { width: msg.width, height: msg.height, data: msg.data },
        });
        return;
      case 'ended':
        this.finish({ type: 'ended' });
        return;
      case 'error':
        this.finish({ type: 'failed', reason: msg.message });
        return;
    }
  }

  private finish(event: CaptureEvent): void {
    if (this.finished) return;
    this.finished = true;
    this.eventsSubject.next(event);
    this.eventsSubject.complete();
    void this.worker.terminate();
  }
}
