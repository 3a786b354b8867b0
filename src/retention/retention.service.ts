import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../events/event-bus';
import { cutoffsAt, RETENTION_KINDS, RetentionKind } from './retention-rules';
import { RETENTION_CONFIG, RetentionConfig } from './retention.config';
import { ExpiringRecords, RetentionMetrics } from './retention.ports';
import { Scheduler, StopJob } from './scheduler';

/** How often expired records are looked for (and once at start). */
export const RETENTION_EVERY_MS = 3_600_000;
/** The job's name in @nestjs/schedule's SchedulerRegistry. */
export const RETENTION_JOB = 'retention';

/** What one run deleted, by kind. */
export type RetentionRun = Record<RetentionKind, number>;

/**
 * Deletes what has expired (retention-rules.ts) at start and then every hour: ended sightings,
 * unknown-face entries, audit entries, with the face crops their rows hold. Each deletion is
 * counted in the metrics; deleted inbox entries are announced like dismissed ones.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private stop?: StopJob;
  private running?: Promise<RetentionRun>;

  constructor(
    private readonly records: ExpiringRecords,
    private readonly metrics: RetentionMetrics,
    private readonly scheduler: Scheduler,
    private readonly events: EventBus,
    @Inject(RETENTION_CONFIG) private readonly config: RetentionConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const policy = this.config.policy();
    this.logger.log(
      `retention: ${RETENTION_KINDS.map((kind) => `${kind} ${policy[kind] === 0 ? 'kept' : `${policy[kind]} days`}`).join(', ')}; ` +
        `checked at start and every ${RETENTION_EVERY_MS / 60_000} min (scheduled job "${RETENTION_JOB}")`,
    );
    // At start (before the server listens: nothing expired is served), then hourly.
    await this.run();
    this.stop = this.scheduler.every(RETENTION_JOB, RETENTION_EVERY_MS, () => void this.run());
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  /** Deletes what has expired now; a run still going is joined, not doubled. */
  run(): Promise<RetentionRun> {
    this.running ??= this.deleteExpired().finally(() => (this.running = undefined));
    return this.running;
  }

  private async deleteExpired(): Promise<RetentionRun> {
    const deleted: RetentionRun = { sightings: 0, unknown_faces: 0, audit: 0 };
    for (const { kind, cutoff } of cutoffsAt(this.config.policy(), this.now())) {
      try {
        const ids = await this.records.deleteExpired(kind, cutoff);
        deleted[kind] = ids.length;
        this.metrics.deleted(kind, ids.length);
        if (kind === 'unknown_faces') for (const id of ids) this.events.emit('unknown-face.changed', { id, change: 'removed' });
        if (ids.length > 0) this.logger.log(`retention: deleted ${ids.length} expired ${kind.replace('_', ' ')} (older than ${new Date(cutoff).toISOString()})`);
      } catch (err) {
        // One kind failing (a locked database) does not keep the others: the next run retries.
        this.logger.warn(`retention: deleting expired ${kind} failed: ${err instanceof Error ? err.message : err}`);
      }
    }
    return deleted;
  }
}
