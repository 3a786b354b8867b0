import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../events/event-bus';
import { Page, pageWindow, PageRequest, toPage } from '../sightings/paging';
import { AuditEntryDto } from './audit.dto';
import { AuditLog, NewAuditEntry } from './audit.repository';
import { RefusalLimiter } from './refusal-limiter';

/** What the interceptor saw of one admin action. */
export type AuditAction = Omit<NewAuditEntry, 'at' | 'suppressed'>;

/**
 * The audit log: every admin action is recorded once answered (never delaying or failing the
 * answer: a failed write is logged), and so are refused attempts at admin routes (announced by
 * the access guard), a few per address and minute (RefusalLimiter); listed newest first.
 */
@Injectable()
export class AuditService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuditService.name);
  private readonly refusals = new RefusalLimiter();
  private subscription?: { unsubscribe(): void };

  constructor(
    private readonly log: AuditLog,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events.subscribe('access.refused', (attempt) => {
      const verdict = this.refusals.admit(attempt.ip, this.now());
      if (verdict.record) void this.record(attempt, verdict.suppressed);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Records an action; resolves when written, or failed and logged. */
  async record(action: AuditAction, suppressed = 0): Promise<void> {
    try {
      await this.log.insert({ ...action, suppressed, at: this.now() });
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
