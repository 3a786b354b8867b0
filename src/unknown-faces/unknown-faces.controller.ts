import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseIntPipe, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiInvalidId, ApiUploadErrors, JpegEndpoint } from '../people/api-errors';
import { PersonDto } from '../people/dto/person.dto';
import { PageQueryDto } from '../sightings/sightings.dto';
import { AssignedUnknownFaceDto, AssignUnknownFaceDto, UnknownFacePageDto } from './unknown-faces.dto';
import { UnknownFacesService } from './unknown-faces.service';

const NOT_FOUND = ApiError(HttpStatus.NOT_FOUND, 'No such inbox entry', ['unknown face 5 not found']);

@ApiTags('unknown-faces')
@Controller('unknown-faces')
export class UnknownFacesController {
  constructor(private readonly inbox: UnknownFacesService) {}

  @Get()
  @ApiOperation({
    summary: 'The unknown-faces inbox',
    description:
      'Faces that stayed Unknown for UNKNOWN_FACE_AFTER_MS, kept once per appearance; a stranger seen again joins their entry ' +
      '(embedding similarity ≥ UNKNOWN_FACE_GROUP_SIMILARITY). Most recently seen first, paged.',
  })
  @ApiOkResponse({ type: UnknownFacePageDto })
  list(@Query() query: PageQueryDto): Promise<UnknownFacePageDto> {
    return this.inbox.list({ page: query.page, pageSize: query.pageSize });
  }

  @Get(':id/thumbnail')
  @JpegEndpoint('The face crop of an inbox entry', 60)
  @ApiInvalidId()
  @NOT_FOUND
  async thumbnail(@Param('id', ParseIntPipe) id: number): Promise<StreamableFile> {
    return new StreamableFile(await this.inbox.thumbnail(id));
  }

  @Post(':id/assign')
  @ApiOperation({
    summary: 'Enroll an unknown face as a new person, or add it to an enrolled person',
    description:
      'Body: `{"name": "…"}` for a new person or `{"personId": 3}` to add the face to someone. The kept crop goes through the ' +
      'same enrollment as an uploaded photo; on success the entry is removed, on a refusal nothing changes.',
  })
  @ApiCreatedResponse({ type: AssignedUnknownFaceDto })
  @ApiError(HttpStatus.BAD_REQUEST, 'Neither or both of name and personId, or an invalid one', [
    'give exactly one of "name" (a new person) or "personId" (an enrolled person)',
  ])
  @ApiError(HttpStatus.NOT_FOUND, 'No such inbox entry, or no such person', ['unknown face 5 not found', 'person 42 not found'])
  @ApiError(HttpStatus.CONFLICT, 'The name is taken, or the entry is being assigned already', ['a person named "Grace Hopper" already exists'])
  @ApiUploadErrors()
  async assign(@Param('id', ParseIntPipe) id: number, @Body() body: AssignUnknownFaceDto): Promise<AssignedUnknownFaceDto> {
    const person = await this.inbox.assign(id, { name: body.name, personId: body.personId });
    return { person: PersonDto.from(person), unknownFaceId: id };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Dismiss an inbox entry' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiInvalidId()
  @NOT_FOUND
  async dismiss(@Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.inbox.dismiss(id);
  }
}
