import { AdminOnly } from '../auth/admin-only.decorator';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseEnumPipe,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ApiError, ApiInvalidId, ApiPersonNotFound, ApiUploadErrors, JpegEndpoint } from './api-errors';
import { AddFaceDto, AddFaceForm, CreatePersonDto, CreatePersonForm, RenamePersonDto } from './dto/person-input.dto';
import { EnrolledPersonDto, PersonDto } from './dto/person.dto';
import { ArchiveWriter } from './export/archive-writer';
import { PersonExportDto } from './export/person-export';
import { personArchiveEntries } from './export/person-archive';
import { PersonExportService } from './export/person-export.service';
import { PeopleService } from './people.service';

/** The part of multer's file object we use (uploads are kept in memory). */
interface UploadedImage {
  buffer: Buffer;
}

/** The export's forms: one ZIP archive (the default), or one JSON document. */
const EXPORT_FORMATS = ['zip', 'json'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const NAME_TAKEN_EXAMPLE = 'a person named "Grace Hopper" already exists';

@ApiTags('people')
@Controller('people')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly exports: PersonExportService,
    private readonly archives: ArchiveWriter,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List everyone enrolled, with their faces' })
  @ApiOkResponse({ type: [PersonDto], description: 'Everyone, oldest first' })
  async findAll(): Promise<PersonDto[]> {
    return (await this.people.findAll()).map((person) => PersonDto.from(person));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One person' })
  @ApiOkResponse({ type: PersonDto, description: 'The person with their faces' })
  @ApiInvalidId()
  @ApiPersonNotFound()
  async findOne(@Param('id', ParseIntPipe) id: number): Promise<PersonDto> {
    return PersonDto.from(await this.people.findOne(id));
  }

  @Get(':id/export')
  @AdminOnly()
  @ApiOperation({
    summary: 'Everything stored about a person (admin)',
    description:
      'One ZIP archive (a download `person-{id}-export.zip`, streamed): `manifest.json` (the person, every face\'s metadata and ' +
      'embedding, every sighting with its times and camera, and the path of each file), `sightings.csv`, the photos and ' +
      'thumbnails under `faces/`, the sighting crops under `sightings/`. `?format=json` answers the same as one JSON document ' +
      '(files base64-encoded, `person-{id}-export.json`). Recorded in the audit log.',
  })
  @ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS, description: 'zip (default) or json' })
  @ApiProduces('application/zip', 'application/json')
  @ApiOkResponse({ type: PersonExportDto, description: 'The export: a ZIP, or with `?format=json` this document' })
  @ApiError(HttpStatus.BAD_REQUEST, 'An unknown format', ['format must be one of: zip, json'])
  @ApiInvalidId()
  @ApiPersonNotFound()
  async export(
    @Param('id', ParseIntPipe) id: number,
    @Query('format', new ParseEnumPipe(EXPORT_FORMATS, { optional: true, exceptionFactory: () => new BadRequestException('format must be one of: zip, json') }))
    format: ExportFormat | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PersonExportDto | StreamableFile> {
    const document = await this.exports.export(id);
    response.setHeader('Cache-Control', 'no-store');
    if (format === 'json') {
      response.setHeader('Content-Disposition', `attachment; filename="person-${id}-export.json"`);
      return document;
    }
    return new StreamableFile(await this.archives.zip(personArchiveEntries(document)), {
      type: 'application/zip',
      disposition: `attachment; filename="person-${id}-export.zip"`,
    });
  }

  @Post()
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({
    summary: 'Enroll a new person from a photo',
    description:
      'The photo must show one face, one face that clearly is its subject (at least twice the area of every other face and near the centre: ' +
      'the others are ignored, as `enrolledFace` says), or `faceIndex` must say which (a 422 lists the faces found). ' +
      'The person is recognised on the live stream as soon as this returns.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreatePersonForm })
  @ApiCreatedResponse({ type: EnrolledPersonDto, description: 'Enrolled, and recognised on the stream from now on; `enrolledFace` says which face of the photo' })
  @ApiError(HttpStatus.CONFLICT, 'Someone already has this name (compared without case)', [NAME_TAKEN_EXAMPLE])
  @ApiUploadErrors()
  async create(@Body() body: CreatePersonDto, @UploadedFile() image?: UploadedImage): Promise<EnrolledPersonDto> {
    return EnrolledPersonDto.fromEnrollment(await this.people.create(body.name, image?.buffer, { faceIndex: body.faceIndex }));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a person' })
  @ApiOkResponse({ type: PersonDto, description: 'Renamed; the stream shows the new name at once' })
  @ApiError(HttpStatus.BAD_REQUEST, 'Invalid id or name', [['name must not contain control characters'], 'Validation failed (numeric string is expected)'])
  @ApiPersonNotFound()
  @ApiError(HttpStatus.CONFLICT, 'Someone else already has this name (compared without case)', [NAME_TAKEN_EXAMPLE])
  async rename(@Param('id', ParseIntPipe) id: number, @Body() body: RenamePersonDto): Promise<PersonDto> {
    return PersonDto.from(await this.people.rename(id, body.name));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Erase a person: every trace',
    description:
      'Their faces (embeddings, photos, thumbnails) and their sightings (with face crops) are deleted in one transaction, ' +
      'then the files; the live stream stops naming them at once.',
  })
  @ApiNoContentResponse({ description: 'Erased; no longer recognised on the stream' })
  @ApiInvalidId()
  @ApiPersonNotFound()
  async remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.people.remove(id);
  }

  @Post(':id/faces')
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({ summary: 'Add another photo of a person', description: 'Same rules as enrolling; more photos make recognition more robust.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: AddFaceForm })
  @ApiCreatedResponse({ type: EnrolledPersonDto, description: 'The person with the new face; `enrolledFace` says which face of the photo' })
  @ApiPersonNotFound()
  @ApiUploadErrors()
  async addFace(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: AddFaceDto,
    @UploadedFile() image?: UploadedImage,
  ): Promise<EnrolledPersonDto> {
    return EnrolledPersonDto.fromEnrollment(await this.people.addFace(id, image?.buffer, { faceIndex: body.faceIndex }));
  }

  @Delete(':id/faces/:faceId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one face of a person (not the last: delete the person instead)' })
  @ApiNoContentResponse({ description: 'Deleted, with its stored photo and thumbnail' })
  @ApiInvalidId()
  @ApiError(HttpStatus.NOT_FOUND, 'No such person, or the face is not theirs', ['face 7 of person 42 not found'])
  @ApiError(HttpStatus.CONFLICT, 'It is the last face of the person', ['this is the last face of the person: delete the person instead'])
  async removeFace(@Param('id', ParseIntPipe) id: number, @Param('faceId', ParseIntPipe) faceId: number): Promise<void> {
    await this.people.removeFace(id, faceId);
  }

  @Get(':id/faces/:faceId/thumbnail')
  @JpegEndpoint('The face crop of one enrolled photo', 3600)
  @ApiInvalidId()
  @ApiError(HttpStatus.NOT_FOUND, 'No such person, or the face is not theirs', ['face 7 of person 42 not found'])
  async thumbnail(@Param('id', ParseIntPipe) id: number, @Param('faceId', ParseIntPipe) faceId: number): Promise<StreamableFile> {
    return new StreamableFile(await this.people.thumbnail(id, faceId));
  }
}
