import { Controller, Get, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CameraRouter } from '../cameras/camera-router';
import { EventLoopDelayMonitor } from '../common/event-loop-delay';
import { MJPEG_CONTENT_TYPE } from './mjpeg';
import type { CameraResource } from '../cameras/camera-router';
import type { CameraPipeline } from './pipeline/camera-pipeline';
import { pipelineStatsReport, sendJpeg, serveMjpeg } from './pipeline-http';

/**
 * The first camera's stream at the routes a one-camera server always had: the first enabled camera,
 * served here or, with several nodes, by the node running it (like /cameras/{name}/…).
 */
@ApiTags('stream')
@Controller('stream')
export class StreamController {
  constructor(
    private readonly router: CameraRouter,
    private readonly eventLoop: EventLoopDelayMonitor,
  ) {}

  /** The first camera's pipeline when it runs here; undefined when the request was passed to its node. */
  private firstCamera(resource: CameraResource, request: Request, response: Response): CameraPipeline | undefined {
    return this.router.runningHere(this.router.firstCamera(), resource, request, response);
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
    const pipeline = this.firstCamera('stream', request, response);
    if (pipeline) serveMjpeg(pipeline, request, response);
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Camera and stream counters of the first camera',
    description:
      'Camera state, reconnects, read timeouts, corrupt frames skipped; frames encoded, sent to and dropped for viewers; ' +
      'viewers and frame subscriptions; main-thread event-loop delay (ms, per 5 s window); process memory (MB).',
  })
  @ApiOkResponse({ description: 'JSON counters' })
  statsReport(@Req() request: Request, @Res() response: Response): void {
    const pipeline = this.firstCamera('stats', request, response);
    if (pipeline) response.json(pipelineStatsReport(pipeline, this.eventLoop));
  }

  @Get('snapshot.jpg')
  @ApiOperation({ summary: 'The latest annotated frame of the first camera as one JPEG' })
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'JPEG image' })
  @ApiServiceUnavailableResponse({ description: 'No frame has been captured yet.' })
  async snapshot(@Req() request: Request, @Res() response: Response): Promise<void> {
    const pipeline = this.firstCamera('snapshot.jpg', request, response);
    if (!pipeline) return;
    const frame = await pipeline.snapshot();
    if (!frame) throw new ServiceUnavailableException('no frame captured yet');
    sendJpeg(response, frame.jpeg);
  }
}
