import type { Request, Response } from 'express';
import type { EventLoopDelayMonitor } from '../common/event-loop-delay';
import { MJPEG_CONTENT_TYPE, MjpegViewer } from './mjpeg';
import type { CameraPipeline } from './pipeline/camera-pipeline';

/**
 * Serves one camera's MJPEG stream to one viewer: every viewer shares the camera's encoded
 * frames; a slow viewer only misses frames itself. The stream ends when the camera is removed.
 */
export function serveMjpeg(pipeline: CameraPipeline, request: Request, response: Response): void {
  response.writeHead(200, {
    'Content-Type': MJPEG_CONTENT_TYPE,
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  response.socket?.setNoDelay(true);
  const stats = pipeline.stats;
  const viewer = new MjpegViewer(response, (sent) => (sent ? stats.viewerFramesSent++ : stats.viewerFramesDropped++));
  const latest = pipeline.latest;
  if (latest) viewer.offer(latest.jpeg, latest.offline);
  stats.viewers++;
  stats.viewersTotal++;
  const subscription = pipeline.frames$.subscribe({
    next: (frame) => viewer.offer(frame.jpeg, frame.offline),
    complete: () => response.end(),
  });
  // Counted down once, whether the client left or the camera went away first.
  let attached = true;
  const detach = () => {
    if (!attached) return;
    attached = false;
    subscription.unsubscribe();
    stats.viewers--;
  };
  request.on('close', detach);
  response.on('close', detach);
}

/** A camera's counters as /stats routes report them. */
export function pipelineStatsReport(pipeline: CameraPipeline, eventLoop: EventLoopDelayMonitor): Record<string, unknown> {
  const memory = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  return {
    name: pipeline.name,
    camera: pipeline.captureStatus(),
    stream: { ...pipeline.stats },
    eventLoopDelayMs: eventLoop.report(),
    memoryMb: { rss: mb(memory.rss), heapUsed: mb(memory.heapUsed), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers) },
    uptimeSeconds: Math.round(process.uptime()),
  };
}

/** Sends a snapshot JPEG. */
export function sendJpeg(response: Response, jpeg: Buffer): void {
  response.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-cache' }).send(jpeg);
}
