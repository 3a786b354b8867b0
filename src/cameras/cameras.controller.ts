import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { EventLoopDelayMonitor } from '../common/event-loop-delay';
import { ApiError } from '../people/api-errors';
import { MJPEG_CONTENT_TYPE } from '../stream/mjpeg';
import type { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import { pipelineStatsReport, sendJpeg, serveMjpeg } from '../stream/pipeline-http';
import type { CameraDefinition } from './camera-definition.types';
import { CameraLocations } from './camera-locations';
import { CameraRegistry } from './camera-registry.service';
import { CameraDto, CreateCameraDto, UpdateCameraDto } from './cameras.dto';
import { CameraRouter } from './camera-router';

const ApiCameraNotFound = () => ApiError(HttpStatus.NOT_FOUND, 'No camera with this name', ['no camera named "door"']);

/**
 * Cameras as a resource: list, add, change, remove at run time; each camera's stream, snapshot and
 * counters. With several nodes, every node lists every camera and passes requests for a camera
 * another node runs on to that node.
 */
@ApiTags('cameras')
@Controller('cameras')
export class CamerasController {
  private readonly nodeName: string;

  constructor(
    private readonly cameras: CameraRegistry,
    private readonly eventLoop: EventLoopDelayMonitor,
    private readonly locations: CameraLocations,
    private readonly router: CameraRouter,
    config: ConfigService<AppConfig, true>,
  ) {
    this.nodeName = config.get('NODE_NAME', { infer: true });
  }

  @Get()
  @ApiOperation({ summary: 'Every camera with its state, frame rate, viewers and the faces in view' })
  @ApiOkResponse({ type: [CameraDto] })
  list(): CameraDto[] {
    return this.cameras.list().map(({ definition, pipeline }) => this.dto(definition, pipeline));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One camera' })
  @ApiOkResponse({ type: CameraDto })
  @ApiCameraNotFound()
  one(@Param('name') name: string): CameraDto {
    const { definition, pipeline } = this.cameras.get(name);
    return this.dto(definition, pipeline);
  }

  @Post()
  @ApiOperation({ summary: 'Add a camera; it starts at once (its source must open)', description: 'Other cameras are not disturbed.' })
  @ApiBody({ type: CreateCameraDto })
  @ApiCreatedResponse({ type: CameraDto })
  @ApiError(HttpStatus.BAD_REQUEST, 'A field is missing, unknown or out of range', ['camera "door": recognizeEveryN must be an integer from 1 to 100 (got 0)'])
  @ApiError(HttpStatus.CONFLICT, 'The name is taken', ['a camera named "door" already exists'])
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'The source cannot be opened', ['camera "door": the source cannot be opened: cannot open source'])
  async create(@Body() body: Record<string, unknown>): Promise<CameraDto> {
    const definition = await this.cameras.add(body);
    return this.dto(definition, this.cameras.get(definition.name).pipeline);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a camera; it restarts with the new settings, the others are not disturbed', description: 'null returns an override to the server-wide setting. The name cannot change.' })
  @ApiBody({ type: UpdateCameraDto })
  @ApiOkResponse({ type: CameraDto })
  @ApiCameraNotFound()
  @ApiError(HttpStatus.BAD_REQUEST, 'A field is unknown or out of range', ['camera "door": jpegQuality must be an integer from 10 to 100 (got 5)'])
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'The new source cannot be opened (the camera keeps its old one)', ['camera "door": the source cannot be opened: cannot open source'])
  async update(@Param('name') name: string, @Body() body: Record<string, unknown>): Promise<CameraDto> {
    const definition = await this.cameras.update(name, body);
    return this.dto(definition, this.cameras.get(name).pipeline);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a camera: its viewers\u2019 streams end, its capture stops' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiCameraNotFound()
  async remove(@Param('name') name: string): Promise<void> {
    await this.cameras.remove(name);
  }

  @Get(':name/stream')
  @ApiOperation({ summary: 'The camera\u2019s live annotated video (MJPEG), usable as <img src>' })
  @ApiProduces(MJPEG_CONTENT_TYPE)
  @ApiOkResponse({ description: 'An endless multipart stream of JPEG images.' })
  @ApiCameraNotFound()
  stream(@Param('name') name: string, @Req() request: Request, @Res() response: Response): void {
    const pipeline = this.router.runningHere(name, 'stream', request, response);
    if (pipeline) serveMjpeg(pipeline, request, response);
  }

  @Get(':name/snapshot.jpg')
  @ApiOperation({ summary: 'The camera\u2019s latest annotated frame (drawn on request when nobody watches)' })
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'JPEG image' })
  @ApiCameraNotFound()
  async snapshot(@Param('name') name: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const pipeline = this.router.runningHere(name, 'snapshot.jpg', request, response);
    if (!pipeline) return;
    const frame = await pipeline.snapshot();
    if (!frame) throw new ServiceUnavailableException(`camera "${name}" has no frame yet`);
    sendJpeg(response, frame.jpeg);
  }

  @Get(':name/stats')
  @ApiOperation({ summary: 'The camera\u2019s capture and stream counters' })
  @ApiOkResponse({ description: 'JSON counters' })
  @ApiCameraNotFound()
  stats(@Param('name') name: string, @Req() request: Request, @Res() response: Response): void {
    const pipeline = this.router.runningHere(name, 'stats', request, response);
    if (pipeline) response.json(pipelineStatsReport(pipeline, this.eventLoop));
  }

  private dto(definition: CameraDefinition, pipeline: CameraPipeline | undefined): CameraDto {
    return CameraDto.from(definition, pipeline, pipeline ? undefined : this.locations.of(definition.name), this.nodeName);
  }

}
