import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiInvalidId } from '../../people/api-errors';
import { ReassignSightingDto, SightingCorrectionDto, SightingEvidenceDto } from './sighting-correction.dto';
import { SightingCorrectionService } from './sighting-correction.service';

const NOT_FOUND = ApiError(HttpStatus.NOT_FOUND, 'No such sighting', ['sighting 12 not found']);

@ApiTags('sightings')
@Controller('sightings')
export class SightingCorrectionController {
  constructor(private readonly corrections: SightingCorrectionService) {}

  @Get(':id')
  @ApiOperation({
    summary: 'One sighting, with the sample that caused its name',
    description: '`matchedSample`: the named person\'s enrolled sample most like the face seen, the one to remove if the name was wrong.',
  })
  @ApiOkResponse({ type: SightingEvidenceDto })
  @ApiInvalidId()
  @NOT_FOUND
  evidence(@Param('id', ParseIntPipe) id: number): Promise<SightingEvidenceDto> {
    return this.corrections.evidence(id);
  }

  @Post(':id/reassign')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Correct a wrong name: the sighting was someone else, or a stranger',
    description:
      '`{"personId": 4}` gives the sighting to that person; `{"unknown": true}` deletes it and puts its face crop in the ' +
      'unknown-faces inbox. The answer names the sample of the person wrongly named that caused it (`matchedSample`). ' +
      'A sighting still in view is no longer updated by the recogniser.',
  })
  @ApiOkResponse({ type: SightingCorrectionDto })
  @ApiError(HttpStatus.BAD_REQUEST, 'Neither or both of personId and unknown, an invalid one, or the person already named', [
    'give exactly one of "personId" (an enrolled person) or "unknown": true',
    ['personId must be an integer number'],
    'sighting 12 names person 3 already',
  ])
  @ApiError(HttpStatus.NOT_FOUND, 'No such sighting, or no such person', ['sighting 12 not found', 'person 42 not found'])
  @ApiError(HttpStatus.CONFLICT, 'The sighting is being corrected already', ['sighting 12 is being corrected already'])
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'To Unknown: the sighting has no usable face crop', ['no face found in the crop of sighting 12'])
  reassign(@Param('id', ParseIntPipe) id: number, @Body() body: ReassignSightingDto): Promise<SightingCorrectionDto> {
    return this.corrections.reassign(id, body);
  }
}
