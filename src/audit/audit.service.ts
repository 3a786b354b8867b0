import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { Page, pageWindow, PageRequest, toPage } from '../sightings/paging';
import { AuditEntryDto } from './audit.dto';
import { AuditLog, NewAuditEntry } from './audit.repository';

/** What the interceptor saw of one admin action. */
export type AuditAction = Omit<NewAuditEntry, 'at'>;

/**
 * The audit log: every admin action is recorded once answered (never delaying or failing the
 * answer: a failed write is logged), and listed newest first.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly log: AuditLog,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** Records an action; resolves when written, or failed and logged. */
  async record(action: AuditAction): Promise<void> {
    try {
      await this.log.insert({ ...action, at: this.now() });
    } catch (err) {
      this.logger.warn(`could not record ${action.method} ${action.path} in the audit log: ${err instanceof Error ? err.message : err}`);
    }
  }

  async list(request: Partial<PageRequest>): Promise<Page<AuditEntryDto>> {
    const window = pageWindow(request);
    const [rows, total] = await this.log.findPage(window);
    return toPage(rows.map(AuditEntryDto.from), total, window);
  }
}
