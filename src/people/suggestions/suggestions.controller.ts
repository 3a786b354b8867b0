import { Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseIntPipe, Post, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiInvalidId, ApiPersonNotFound, ApiUploadErrors, JpegEndpoint } from '../api-errors';
import { EnrolledPersonDto } from '../dto/person.dto';
import { SampleSuggestionsService } from './sample-suggestions.service';
import { SuggestionDto } from './suggestions.dto';

const SUGGESTION_NOT_FOUND = ApiError(HttpStatus.NOT_FOUND, 'No such person, or the suggestion is not theirs (or was handled already)', [
  'suggestion 4 of person 3 not found',
]);

@ApiTags('people')
@Controller('people/:id/suggestions')
export class SuggestionsController {
  constructor(private readonly suggestions: SampleSuggestionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Suggested samples of a person',
    description:
      'Recognised faces of this person that are good views (size, sharpness, frontal pose) and unlike their samples, oldest first ' +
      '(at most SAMPLE_SUGGESTIONS_PER_PERSON; the oldest are dropped).',
  })
  @ApiOkResponse({ type: [SuggestionDto] })
  @ApiInvalidId()
  @ApiPersonNotFound()
  async list(@Param('id', ParseIntPipe) id: number): Promise<SuggestionDto[]> {
    return (await this.suggestions.list(id)).map(SuggestionDto.from);
  }

  @Get(':suggestionId/thumbnail')
  @JpegEndpoint('The face crop of a suggested sample', 3600)
  @ApiInvalidId()
  @SUGGESTION_NOT_FOUND
  async thumbnail(@Param('id', ParseIntPipe) id: number, @Param('suggestionId', ParseIntPipe) suggestionId: number): Promise<StreamableFile> {
    return new StreamableFile(await this.suggestions.thumbnail(id, suggestionId));
  }

  @Post(':suggestionId/accept')
  @ApiOperation({ summary: 'Add a suggested sample to the person', description: 'Enrolled like an uploaded photo; recognised with it at once.' })
  @ApiCreatedResponse({ type: EnrolledPersonDto, description: 'The person with the new sample' })
  @ApiInvalidId()
  @SUGGESTION_NOT_FOUND
  @ApiUploadErrors()
  async accept(@Param('id', ParseIntPipe) id: number, @Param('suggestionId', ParseIntPipe) suggestionId: number): Promise<EnrolledPersonDto> {
    return EnrolledPersonDto.fromEnrollment(await this.suggestions.accept(id, suggestionId));
  }

  @Delete(':suggestionId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: '"Not this person": reject a suggested sample',
    description:
      'The suggestion is deleted; its embedding is kept (no picture) so that view is never suggested, nor added automatically, ' +
      'again (the newest 50 per person; erased and exported with the person).',
  })
  @ApiNoContentResponse({ description: 'Rejected' })
  @ApiInvalidId()
  @SUGGESTION_NOT_FOUND
  async reject(@Param('id', ParseIntPipe) id: number, @Param('suggestionId', ParseIntPipe) suggestionId: number): Promise<void> {
    await this.suggestions.reject(id, suggestionId);
  }
}
