import { Controller, Get, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { EventLoopDelayMonitor } from '../common/event-loop-delay';
import { MJPEG_CONTENT_TYPE } from './mjpeg';
import type { CameraPipeline } from './pipeline/camera-pipeline';
import { pipelineStatsReport, sendJpeg, serveMjpeg } from './pipeline-http';

/** The first camera's stream at the routes a one-camera server always had. */
@ApiTags('stream')
@Controller('stream')
export class StreamController {
  constructor(
    private readonly cameras: CameraRegistry,
    private readonly eventLoop: EventLoopDelayMonitor,
  ) {}

  private firstCamera(): CameraPipeline {
    const pipeline = this.cameras.first();
    if (!pipeline) throw new ServiceUnavailableException('no camera is running');
    return pipeline;
  }

  @Get()
  @ApiOperation({
    summary: 'Live annotated video of the first camera (MJPEG)',
    description:
      'multipart/x-mixed-replace stream of JPEG frames with a box, name (or "Unknown") and confidence for every face. ' +
      'Works as the src of an <img> tag. Every viewer shares the same encoded frames; a slow viewer only misses frames itself. ' +
      'Other cameras: GET /cameras/{name}/stream.',
  })
  @ApiProduces(MJPEG_CONTENT_TYPE)
  @ApiOkResponse({ description: 'An endless multipart stream of JPEG images.' })
  @ApiServiceUnavailableResponse({ description: 'No camera is running.' })
  live(@Req() request: Request, @Res() response: Response): void {
    serveMjpeg(this.firstCamera(), request, response);
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Camera and stream counters of the first camera',
    description:
      'Camera state, reconnects, read timeouts, corrupt frames skipped; frames encoded, sent to and dropped for viewers; ' +
      'viewers and frame subscriptions; main-thread event-loop delay (ms, per 5 s window); process memory (MB).',
  })
  @ApiOkResponse({ description: 'JSON counters' })
  statsReport(): Record<string, unknown> {
    return pipelineStatsReport(this.firstCamera(), this.eventLoop);
  }

  @Get('snapshot.jpg')
  @ApiOperation({ summary: 'The latest annotated frame of the first camera as one JPEG' })
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'JPEG image' })
  @ApiServiceUnavailableResponse({ description: 'No frame has been captured yet.' })
  async snapshot(@Res() response: Response): Promise<void> {
    const frame = await this.firstCamera().snapshot();
    if (!frame) throw new ServiceUnavailableException('no frame captured yet');
    sendJpeg(response, frame.jpeg);
  }
}
