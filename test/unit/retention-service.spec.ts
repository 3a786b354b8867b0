import { Test } from '@nestjs/testing';
import { CLOCK } from '../../src/common/clock';
import type { AppEvents } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';
import { DAY_MS, RetentionKind } from '../../src/retention/retention-rules';
import { RETENTION_CONFIG, validateRetentionConfig } from '../../src/retention/retention.config';
import { ExpiringRecords, RetentionMetrics } from '../../src/retention/retention.ports';
import { RETENTION_EVERY_MS, RETENTION_JOB, RetentionService } from '../../src/retention/retention.service';
import { IntervalRegistry, NestScheduler, Scheduler, TimerScheduler } from '../../src/retention/scheduler';

const NOW = Date.parse('2026-03-01T12:00:00Z');

/** Records by kind with their times; deleteExpired deletes those before the cutoff. */
class MemoryRecords extends ExpiringRecords {
  rows: Record<RetentionKind, Array<{ id: number; time: number }>> = { sightings: [], unknown_faces: [], audit: [] };
  calls: Array<{ kind: RetentionKind; cutoff: number }> = [];
  failing = new Set<RetentionKind>();

  async deleteExpired(kind: RetentionKind, cutoff: number): Promise<number[]> {
    this.calls.push({ kind, cutoff });
    if (this.failing.has(kind)) throw new Error('database is locked');
    const expired = this.rows[kind].filter((row) => row.time < cutoff).map((row) => row.id);
    this.rows[kind] = this.rows[kind].filter((row) => row.time >= cutoff);
    return expired;
  }
}

class CountingMetrics extends RetentionMetrics {
  counts: Record<string, number> = {};
  deleted(kind: RetentionKind, count: number): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + count;
  }
}

/** A scheduler whose jobs run when the test says. */
class ManualScheduler extends Scheduler {
  jobs: Array<{ name: string; ms: number; job: () => void; stopped: boolean }> = [];
  every(name: string, ms: number, job: () => void) {
    const entry = { name, ms, job, stopped: false };
    this.jobs.push(entry);
    return () => void (entry.stopped = true);
  }
}

async function build(env: Record<string, string> = {}) {
  const records = new MemoryRecords();
  const metrics = new CountingMetrics();
  const scheduler = new ManualScheduler();
  const clock = { now: NOW };
  const module = await Test.createTestingModule({
    providers: [
      RetentionService,
      EventBus,
      { provide: ExpiringRecords, useValue: records },
      { provide: RetentionMetrics, useValue: metrics },
      { provide: Scheduler, useValue: scheduler },
      { provide: RETENTION_CONFIG, useValue: validateRetentionConfig(env) },
      { provide: CLOCK, useValue: () => clock.now },
    ],
  }).compile();
  const removed: Array<AppEvents['unknown-face.changed']> = [];
  module.get(EventBus).on('unknown-face.changed').subscribe((event) => removed.push(event));
  return { module, service: module.get(RetentionService), records, metrics, scheduler, clock, removed };
}

describe('RetentionService', () => {
  it('deletes what expired at start, counts it, and announces deleted inbox entries', async () => {
    const t = await build();
    t.records.rows.sightings = [
      { id: 1, time: NOW - 31 * DAY_MS },
      { id: 2, time: NOW - 29 * DAY_MS },
    ];
    t.records.rows.unknown_faces = [
      { id: 10, time: NOW - 8 * DAY_MS },
      { id: 11, time: NOW - 8 * DAY_MS },
      { id: 12, time: NOW - DAY_MS },
    ];
    t.records.rows.audit = [{ id: 5, time: NOW - 91 * DAY_MS }];
    await t.module.init();

    expect(t.records.calls).toEqual([
      { kind: 'sightings', cutoff: NOW - 30 * DAY_MS },
      { kind: 'unknown_faces', cutoff: NOW - 7 * DAY_MS },
      { kind: 'audit', cutoff: NOW - 90 * DAY_MS },
    ]);
    expect(t.records.rows.sightings.map((row) => row.id)).toEqual([2]);
    expect(t.records.rows.unknown_faces.map((row) => row.id)).toEqual([12]);
    expect(t.records.rows.audit).toEqual([]);
    expect(t.metrics.counts).toEqual({ sightings: 1, unknown_faces: 2, audit: 1 });
    expect(t.removed).toEqual([
      { id: 10, change: 'removed' },
      { id: 11, change: 'removed' },
    ]);
    await t.module.close();
  });

  it('runs again every hour with the time of that run, and stops when the module closes', async () => {
    const t = await build();
    await t.module.init();
    expect(t.scheduler.jobs.map((job) => [job.name, job.ms])).toEqual([[RETENTION_JOB, RETENTION_EVERY_MS]]);
    t.records.rows.sightings = [{ id: 3, time: NOW - 29 * DAY_MS }];
    t.clock.now = NOW + 2 * DAY_MS; // the sighting is 31 days old now
    t.scheduler.jobs[0].job();
    await t.service.run(); // joins the run the job started
    expect(t.records.rows.sightings).toEqual([]);
    expect(t.records.calls.at(-3)).toEqual({ kind: 'sightings', cutoff: NOW + 2 * DAY_MS - 30 * DAY_MS });
    expect(t.metrics.counts.sightings).toBe(1);
    await t.module.close();
    expect(t.scheduler.jobs[0].stopped).toBe(true);
  });

  it('keeps a kind whose retention is 0 untouched', async () => {
    const t = await build({ RETENTION_SIGHTINGS_DAYS: '0', RETENTION_AUDIT_DAYS: '0' });
    t.records.rows.sightings = [{ id: 1, time: 0 }];
    await t.module.init();
    expect(t.records.calls.map((call) => call.kind)).toEqual(['unknown_faces']);
    expect(t.records.rows.sightings).toHaveLength(1);
    await t.module.close();
  });

  it('goes on with the other kinds when one fails, and never runs twice at once', async () => {
    const t = await build();
    t.records.failing.add('sightings');
    t.records.rows.audit = [{ id: 1, time: 0 }];
    await t.module.init();
    expect(t.records.rows.audit).toEqual([]);
    expect(t.metrics.counts.sightings).toBeUndefined();
    const calls = t.records.calls.length;
    await Promise.all([t.service.run(), t.service.run()]);
    expect(t.records.calls.length - calls).toBe(3);
    await t.module.close();
  });
});

/** SchedulerRegistry's interval book, as @nestjs/schedule keeps it (clearing an interval when it is deleted). */
class MemoryRegistry implements IntervalRegistry {
  readonly intervals = new Map<string, NodeJS.Timeout>();
  addInterval(name: string, id: NodeJS.Timeout): void {
    if (this.intervals.has(name)) throw new Error(`Interval with the given name (${name}) already exists`);
    this.intervals.set(name, id);
  }
  deleteInterval(name: string): void {
    clearInterval(this.intervals.get(name));
    this.intervals.delete(name);
  }
  doesExist(_type: 'interval', name: string): boolean {
    return this.intervals.has(name);
  }
  /** What the schedule module does before the app shuts down. */
  clearAll(): void {
    for (const name of [...this.intervals.keys()]) this.deleteInterval(name);
  }
}

describe('NestScheduler (the @nestjs/schedule adapter)', () => {
  it('registers each job by name, runs it every interval without keeping the process alive, and stops it', () => {
    jest.useFakeTimers();
    try {
      const registry = new MemoryRegistry();
      const scheduler = new NestScheduler(registry);
      let a = 0;
      let b = 0;
      const stopA = scheduler.every('a', 1000, () => a++);
      const stopB = scheduler.every('b', 1000, () => b++);
      expect([...registry.intervals.keys()]).toEqual(['a', 'b']);
      expect(registry.intervals.get('a')!.hasRef()).toBe(false);
      jest.advanceTimersByTime(3500);
      expect([a, b]).toEqual([3, 3]);
      stopA();
      expect(registry.doesExist('interval', 'a')).toBe(false);
      jest.advanceTimersByTime(1000);
      expect([a, b]).toEqual([3, 4]);
      // The schedule module clears what is left at shutdown; stopping afterwards is harmless.
      registry.clearAll();
      jest.advanceTimersByTime(5000);
      expect([a, b]).toEqual([3, 4]);
      expect(() => stopB()).not.toThrow();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('TimerScheduler (plain timers, for modules the command line loads too)', () => {
  it('runs each job every interval, stops one on request and all when the module is destroyed', () => {
    jest.useFakeTimers();
    try {
      const scheduler = new TimerScheduler();
      let a = 0;
      let b = 0;
      const stopA = scheduler.every('a', 1000, () => a++);
      scheduler.every('b', 500, () => b++);
      jest.advanceTimersByTime(2000);
      expect([a, b]).toEqual([2, 4]);
      stopA();
      jest.advanceTimersByTime(1000);
      expect([a, b]).toEqual([2, 6]);
      scheduler.onModuleDestroy();
      jest.advanceTimersByTime(5000);
      expect([a, b]).toEqual([2, 6]);
    } finally {
      jest.useRealTimers();
    }
  });
});
