import { Body, Controller, Get, HttpStatus, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiUploadErrors } from '../people/api-errors';
import { PersonDto } from '../people/dto/person.dto';
import { LiveEnrollDto, LiveFacesDto, StatsSampleDto } from './live.dto';
import { LiveFacesService } from './live-faces.service';

@ApiTags('live')
@Controller('live')
export class LiveController {
  constructor(private readonly live: LiveFacesService) {}

  @Get('faces')
  @ApiOperation({ summary: 'The faces in view now', description: 'The same payload the Socket.IO "faces" event pushes after every recognised frame.' })
  @ApiOkResponse({ type: LiveFacesDto })
  @ApiQuery({ name: 'camera', required: false, description: 'the camera (default: the first one)' })
  faces(@Query('camera') camera?: string): LiveFacesDto {
    return this.live.faces(camera);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Stream fps, recognition latency and faces per second, one sample per second over the last minute' })
  @ApiOkResponse({ type: [StatsSampleDto] })
  @ApiQuery({ name: 'camera', required: false, description: 'the camera (default: the first one)' })
  stats(@Query('camera') camera?: string): StatsSampleDto[] {
    return this.live.statsHistory(camera);
  }

  @Post('faces/:trackId/enroll')
  @ApiOperation({
    summary: 'Enroll a face in view as a new person',
    description: 'Cuts the face out of the newest frame it was detected on and enrolls it like an uploaded photo.',
  })
  @ApiCreatedResponse({ type: PersonDto, description: 'Enrolled, and recognised on the stream from now on' })
  @ApiError(HttpStatus.NOT_FOUND, 'The face left the view (not detected for 5 s)', ['face 17 is not in view any more'])
  @ApiError(HttpStatus.CONFLICT, 'Someone already has this name (compared without case)', ['a person named "Grace Hopper" already exists'])
  @ApiUploadErrors()
  async enroll(@Param('trackId', ParseIntPipe) trackId: number, @Body() body: LiveEnrollDto): Promise<PersonDto> {
    return PersonDto.from(await this.live.enroll(trackId, body.name));
  }
}
