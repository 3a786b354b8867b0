import { Controller, Get, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CameraService } from '../camera/camera.service';
import { MJPEG_CONTENT_TYPE, MjpegViewer } from './mjpeg';
import { StreamService } from './stream.service';

@ApiTags('stream')
@Controller('stream')
export class StreamController {
  constructor(
    private readonly stream: StreamService,
    private readonly camera: CameraService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Live annotated video (MJPEG)',
    description:
      'multipart/x-mixed-replace stream of JPEG frames with a box, name (or "Unknown") and confidence for every face. ' +
      'Works as the src of an <img> tag. Every viewer shares the same encoded frames; a slow viewer only misses frames itself.',
  })
  @ApiProduces(MJPEG_CONTENT_TYPE)
  @ApiOkResponse({ description: 'An endless multipart stream of JPEG images.' })
  live(@Req() request: Request, @Res() response: Response): void {
    response.writeHead(200, {
      'Content-Type': MJPEG_CONTENT_TYPE,
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    const stats = this.stream.stats;
    const viewer = new MjpegViewer(response, (sent) => (sent ? stats.viewerFramesSent++ : stats.viewerFramesDropped++));
    const latest = this.stream.latest;
    if (latest) viewer.offer(latest.jpeg, latest.offline);
    stats.viewers++;
    stats.viewersTotal++;
    const subscription = this.stream.frames$.subscribe({
      next: (frame) => viewer.offer(frame.jpeg, frame.offline),
      complete: () => response.end(),
    });
    const detach = () => {
      if (subscription.closed) return;
      subscription.unsubscribe();
      this.stream.stats.viewers--;
    };
    request.on('close', detach);
    response.on('close', detach);
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Camera and stream counters',
    description:
      'Camera state, reconnects, read timeouts, corrupt frames skipped; frames encoded, sent to and dropped for viewers; ' +
      'viewers and frame subscriptions; main-thread event-loop delay (ms, per 5 s window); process memory (MB).',
  })
  @ApiOkResponse({ description: 'JSON counters' })
  statsReport(): Record<string, unknown> {
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
    return {
      camera: this.camera.getStatus(),
      stream: { ...this.stream.stats },
      eventLoopDelayMs: this.stream.eventLoopDelay.report(),
      memoryMb: { rss: mb(memory.rss), heapUsed: mb(memory.heapUsed), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers) },
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  @Get('snapshot.jpg')
  @ApiOperation({ summary: 'The latest annotated frame as one JPEG' })
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'JPEG image' })
  @ApiServiceUnavailableResponse({ description: 'No frame has been captured yet.' })
  snapshot(@Res() response: Response): void {
    const latest = this.stream.latest;
    if (!latest) throw new ServiceUnavailableException('no frame captured yet');
    response.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-cache' }).send(latest.jpeg);
  }
}
