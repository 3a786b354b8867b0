import { BadRequestException, Controller, Get, HttpStatus, Param, ParseIntPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiInvalidId, JpegEndpoint } from '../people/api-errors';
import { SightingPageDto, SightingQueryDto } from './sightings.dto';
import { SightingsService } from './sightings.service';

@ApiTags('sightings')
@Controller('sightings')
export class SightingsController {
  constructor(private readonly sightings: SightingsService) {}

  @Get()
  @ApiOperation({
    summary: 'When known people were in view',
    description: 'One sighting per appearance (first seen, last seen, best confidence), newest first, paged. Filters: person, camera, time range.',
  })
  @ApiOkResponse({ type: SightingPageDto })
  @ApiError(HttpStatus.BAD_REQUEST, 'A filter or paging parameter is invalid', [['from must be a valid ISO 8601 date string'], '"from" is after "to"'])
  list(@Query() query: SightingQueryDto): Promise<SightingPageDto> {
    const from = query.from === undefined ? undefined : Date.parse(query.from);
    const to = query.to === undefined ? undefined : Date.parse(query.to);
    if (from !== undefined && to !== undefined && from > to) throw new BadRequestException('"from" is after "to"');
    return this.sightings.list({ personId: query.personId, camera: query.camera, from, to }, { page: query.page, pageSize: query.pageSize });
  }

  @Get(':id/thumbnail')
  @JpegEndpoint('The face crop of a sighting (its best view)', 60)
  @ApiInvalidId()
  @ApiError(HttpStatus.NOT_FOUND, 'No such sighting, or no thumbnail', ['sighting 12 not found'])
  async thumbnail(@Param('id', ParseIntPipe) id: number): Promise<StreamableFile> {
    return new StreamableFile(await this.sightings.thumbnail(id));
  }
}
