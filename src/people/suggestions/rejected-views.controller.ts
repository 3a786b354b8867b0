import { Controller, Delete, HttpCode, HttpStatus, Param, ParseIntPipe } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInvalidId, ApiPersonNotFound } from '../api-errors';
import { SampleSuggestionsService } from './sample-suggestions.service';

/** The undo of "not this person": the person's rejected views forgotten at once. */
@ApiTags('people')
@Controller('people/:id/rejected-views')
export class RejectedViewsController {
  constructor(private readonly suggestions: SampleSuggestionsService) {}

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Forget the views rejected as "not this person"',
    description: 'Every rejected view of the person is deleted: views like them can be suggested (or, with AUTO_ADD_SAMPLES, added) again.',
  })
  @ApiNoContentResponse({ description: 'Forgotten (also when there were none)' })
  @ApiInvalidId()
  @ApiPersonNotFound()
  async forget(@Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.suggestions.forgetRejections(id);
  }
}
