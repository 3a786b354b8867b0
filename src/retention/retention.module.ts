import { Module } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntry } from '../audit/audit-entry.entity';
import { CLOCK } from '../common/clock';
import { MetricsModule } from '../metrics/metrics.module';
import { Sighting } from '../sightings/sighting.entity';
import { UnknownFace } from '../unknown-faces/unknown-face.entity';
import { RETENTION_CONFIG, validateRetentionConfig } from './retention.config';
import { PrometheusRetentionMetrics } from './retention.metrics';
import { ExpiringRecords, RetentionMetrics } from './retention.ports';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';
import { INTERVAL_REGISTRY, NestScheduler, Scheduler } from './scheduler';

/** Data that expires: RETENTION_*_DAYS, applied at start and hourly (a @nestjs/schedule interval). */
@Module({
  imports: [ScheduleModule.forRoot(), TypeOrmModule.forFeature([Sighting, UnknownFace, AuditEntry]), MetricsModule],
  providers: [
    // Validated while the app is built: a bad value stops the server before it listens.
    { provide: RETENTION_CONFIG, useFactory: () => validateRetentionConfig(process.env) },
    { provide: CLOCK, useValue: Date.now },
    { provide: INTERVAL_REGISTRY, useExisting: SchedulerRegistry },
    { provide: Scheduler, useClass: NestScheduler },
    { provide: ExpiringRecords, useClass: RetentionRepository },
    { provide: RetentionMetrics, useClass: PrometheusRetentionMetrics },
    RetentionService,
  ],
  exports: [RetentionService],
})
export class RetentionModule {}
