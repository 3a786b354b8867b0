import { Controller, Get, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MJPEG_CONTENT_TYPE, MjpegViewer } from './mjpeg';
import { StreamService } from './stream.service';

@ApiTags('stream')
@Controller('stream')
export class StreamController {
  constructor(private readonly stream: StreamService) {}

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
    const viewer = new MjpegViewer(response);
    const latest = this.stream.latest;
    if (latest) viewer.offer(latest.jpeg);
    this.stream.stats.viewers++;
    const subscription = this.stream.frames$.subscribe({
      next: (frame) => viewer.offer(frame.jpeg),
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
