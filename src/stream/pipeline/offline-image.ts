import type { Logger } from '@nestjs/common';
import type { FrameSource } from '../../camera/capture.port';
import { placeholderDue, placeholderLines, PlaceholderPolicy } from '../placeholder-schedule';
import type { RenderClient } from '../render/render.client';
import type { AnnotatedFrame, StreamStats } from '../stream.types';

/**
 * While a camera is down (or silent), its viewers get an offline image at a low rate instead of
 * a frozen stream: the last picture darkened with a message, drawn in the vision thread.
 */
export class OfflineImage {
  private readonly startedAt = performance.now();
  private lastSentAt?: number;
  private inFlight = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly camera: string,
    private readonly policy: PlaceholderPolicy,
    private readonly capture: FrameSource,
    private readonly renderer: RenderClient,
    private readonly jpegQuality: number,
    private readonly stats: StreamStats,
    private readonly logger: Logger,
    /** What the pipeline knows: when the last live frame arrived, the last one encoded, whether anyone watches. */
    private readonly pipeline: { lastFrameArrivedAt(): number | undefined; lastLiveFrame(): AnnotatedFrame | undefined; watched(): boolean },
    private readonly send: (frame: AnnotatedFrame) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.maybeSend(), Math.max(20, Math.min(250, this.policy.intervalMs / 2)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private maybeSend(): void {
    if (this.inFlight || !this.pipeline.watched()) return;
    const now = performance.now();
    const lastFrameAt = this.pipeline.lastFrameArrivedAt();
    const reason = placeholderDue(
      { now, cameraState: this.capture.state$.value, startedAt: this.startedAt, lastFrameAt, lastPlaceholderAt: this.lastSentAt },
      this.policy,
    );
    if (!reason) return;
    this.lastSentAt = now;
    this.inFlight = true;
    const last = this.pipeline.lastLiveFrame();
    const status = this.capture.getStatus();
    const lines = placeholderLines(reason, now - (lastFrameAt ?? this.startedAt));
    this.renderer
      .placeholder(last?.jpeg, status.width || 1280, status.height || 720, lines, this.jpegQuality)
      .then(({ jpeg, drawMs, encodeMs }) => {
        // A live frame may have arrived meanwhile: then the offline image is already stale.
        const arrived = this.pipeline.lastFrameArrivedAt();
        if (arrived !== undefined && arrived > now) return;
        this.stats.placeholdersSent++;
        this.send({
          camera: this.camera,
          index: last?.index ?? -1,
          position: last?.position ?? -1,
          capturedAt: last?.capturedAt ?? 0,
          encodedAt: performance.timeOrigin + performance.now(),
          faces: [],
          jpeg,
          drawMs,
          encodeMs,
          offline: true,
        });
      })
      .catch((err) => this.logger.warn(`drawing the offline image failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => (this.inFlight = false));
  }
}
