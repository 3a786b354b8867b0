import { Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Long-lived responses that shutting down ends itself instead of waiting for them. */
const LONG_LIVED = /^\/stream\/?$/;

/**
 * Whether the server is shutting down, and how many ordinary requests are still in flight.
 * Once shutting down, requests arriving on connections already open get 503 and
 * `Connection: close`, and /health reports it.
 */
@Injectable()
export class ShutdownState {
  private readonly logger = new Logger('Shutdown');
  private stopping = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  get shuttingDown(): boolean {
    return this.stopping;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  begin(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.log(`shutting down (${reason}); ${this.inFlight} request(s) in flight`);
  }

  /** Resolves when no ordinary request is in flight, or after `timeoutMs`. True when idle. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Express middleware: counts requests (not the stream), refuses new ones once shutting down. */
  track(request: Request, response: Response, next: NextFunction): void {
    if (this.stopping) {
      response.setHeader('Connection', 'close');
      response.status(503).json({ statusCode: 503, message: 'the server is shutting down', error: 'Service Unavailable' });
      return;
    }
    if (LONG_LIVED.test(request.path)) return next();
    this.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    };
    response.on('finish', finish);
    response.on('close', finish);
    next();
  }
}
