import { Body, Controller, HttpCode, HttpStatus, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiFaceChoiceErrors, ApiImageErrors } from '../people/api-errors';
import { PageQueryDto } from '../sightings/sightings.dto';
import { FaceSearchDto, FaceSearchForm, FaceSearchResultDto } from './face-search.dto';
import { FaceSearchService } from './face-search.service';

/** The part of multer's file object we use (uploads are kept in memory). */
interface UploadedImage {
  buffer: Buffer;
}

const EXAMPLE: FaceSearchResultDto = {
  face: { name: 'Unknown', personId: null, confidence: 88.4, similarity: 0.142, box: [102, 64, 180, 231], score: 0.93 },
  sightings: { items: [], page: 1, pageSize: 20, total: 0, pages: 0 },
  unknownFaces: [
    {
      id: 5,
      camera: 'door',
      firstSeen: '2026-01-31T12:00:00.000Z',
      lastSeen: '2026-01-31T12:10:00.000Z',
      appearances: 3,
      faceHeight: 118,
      thumbnailUrl: '/unknown-faces/5/thumbnail',
      similarity: 0.57,
    },
  ],
};

@ApiTags('sightings')
@Controller('sightings')
export class FaceSearchController {
  constructor(private readonly search: FaceSearchService) {}

  @Post('search')
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({
    summary: 'When was this face here? Search the sightings and the unknown-faces inbox by photo',
    description:
      'The photo must show one face, or `faceIndex` must say which (the same rules and refusals as enrolling). An enrolled ' +
      'person comes with their sightings (paged by `?page=&pageSize=`); the inbox entries that look like the same face come ' +
      'either way, so a stranger’s earlier visits are found too. A read: it needs what reads need and stores nothing.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: FaceSearchForm })
  @ApiOkResponse({ type: FaceSearchResultDto, description: 'Who it is, their sightings, and similar unknown faces', example: EXAMPLE })
  @ApiImageErrors([['faceIndex must be an integer number'], ['pageSize must not be greater than 100']])
  @ApiFaceChoiceErrors()
  async find(
    @Body() body: FaceSearchDto,
    @Query() query: PageQueryDto,
    @UploadedFile() image?: UploadedImage,
  ): Promise<FaceSearchResultDto> {
    const result = await this.search.search(image?.buffer, { faceIndex: body.faceIndex, page: query.page, pageSize: query.pageSize });
    return FaceSearchResultDto.from(result);
  }
}
