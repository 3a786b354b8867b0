import { Injectable, OnModuleDestroy } from '@nestjs/common';

/** A scheduled job, stopped by calling it. */
export type StopJob = () => void;

/**
 * Runs jobs periodically. A port so tests drive time themselves; the app's implementation is a
 * plain unref'd setInterval (@nestjs/schedule is not a dependency yet: its `@Interval` should
 * replace IntervalScheduler when it is).
 */
export abstract class Scheduler {
  abstract every(ms: number, job: () => void): StopJob;
}

/** setInterval, unref'd (never keeps the process alive), every job stopped when the module is destroyed. */
@Injectable()
export class IntervalScheduler extends Scheduler implements OnModuleDestroy {
  private readonly timers = new Set<NodeJS.Timeout>();

  every(ms: number, job: () => void): StopJob {
    const timer = setInterval(job, ms);
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }
}
