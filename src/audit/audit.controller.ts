import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { ApiError } from '../people/api-errors';
import { PageQueryDto } from '../sightings/sightings.dto';
import { AuditPageDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@AdminOnly()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'The audit log (admin)',
    description:
      'Every admin action (changes, exports): when, which role, from which address, the route and its answer; newest first, paged. ' +
      'Kept RETENTION_AUDIT_DAYS days.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiError(HttpStatus.BAD_REQUEST, 'A paging parameter is invalid', [['pageSize must not be greater than 100']])
  list(@Query() query: PageQueryDto): Promise<AuditPageDto> {
    return this.audit.list({ page: query.page, pageSize: query.pageSize });
  }
}
