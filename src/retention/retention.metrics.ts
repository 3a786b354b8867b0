import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { RETENTION_KINDS, RetentionKind } from './retention-rules';
import { RetentionMetrics } from './retention.ports';

/** `facestream_retention_deleted_total{kind}` in the app's Prometheus registry (every kind listed from 0). */
@Injectable()
export class PrometheusRetentionMetrics extends RetentionMetrics {
  private readonly counter: Counter<'kind'>;

  constructor(metrics: MetricsService) {
    super();
    this.counter = new Counter({
      name: 'facestream_retention_deleted_total',
      help: 'Records deleted because they expired (RETENTION_*_DAYS), by kind: sightings, unknown_faces, audit',
      labelNames: ['kind'],
      registers: [metrics.registry],
    });
    for (const kind of RETENTION_KINDS) this.counter.labels(kind).inc(0);
  }

  deleted(kind: RetentionKind, count: number): void {
    this.counter.labels(kind).inc(count);
  }
}
