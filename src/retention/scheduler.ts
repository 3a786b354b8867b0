import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';

/** A scheduled job, stopped by calling it. */
export type StopJob = () => void;

/**
 * Runs named jobs periodically. A port so the services' specs drive time themselves (a fake);
 * the app's adapter registers them with @nestjs/schedule (NestScheduler).
 */
export abstract class Scheduler {
  abstract every(name: string, ms: number, job: () => void): StopJob;
}

/**
 * The part of @nestjs/schedule's SchedulerRegistry the adapter uses. Injected by this token (bound
 * to the real registry in RetentionModule) so this file loads without the package, which is ESM
 * only and which the CommonJS test runner cannot load.
 */
export interface IntervalRegistry {
  addInterval(name: string, intervalId: NodeJS.Timeout): void;
  deleteInterval(name: string): void;
  doesExist(type: 'interval', name: string): boolean;
}
export const INTERVAL_REGISTRY = Symbol('INTERVAL_REGISTRY');

/**
 * @nestjs/schedule's dynamic intervals: each job is an unref'd setInterval (it never keeps the
 * process alive) registered by name in the SchedulerRegistry, which lists it and clears every
 * one before the app shuts down.
 */
@Injectable()
export class NestScheduler extends Scheduler {
  constructor(@Inject(INTERVAL_REGISTRY) private readonly registry: IntervalRegistry) {
    super();
  }

  every(name: string, ms: number, job: () => void): StopJob {
    const timer = setInterval(job, ms);
    timer.unref();
    this.registry.addInterval(name, timer);
    return () => {
      // Gone already when the registry cleared it at shutdown.
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    };
  }
}

/**
 * The same with plain timers, for modules that also run inside the command line, which does not
 * load @nestjs/schedule (ESM only: the CommonJS test runner cannot load it either). Every job is
 * an unref'd setInterval, cleared when the module is destroyed.
 */
@Injectable()
export class TimerScheduler extends Scheduler implements OnModuleDestroy {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  every(name: string, ms: number, job: () => void): StopJob {
    clearInterval(this.timers.get(name));
    const timer = setInterval(job, ms);
    timer.unref();
    this.timers.set(name, timer);
    return () => {
      clearInterval(timer);
      if (this.timers.get(name) === timer) this.timers.delete(name);
    };
  }

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
