import type { Server } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

export interface GracefulShutdownOptions {
  /** The whole shutdown must end within this; otherwise the process exits with code 1. */
  timeoutMs: number;
  signals?: NodeJS.Signals[];
  /** Called instead of process.exit (tests). */
  exit?: (code: number) => void;
}

/**
 * Call before listen. On SIGTERM/SIGINT: stop accepting connections, let ordinary requests in flight finish (up to
 * half the budget), then close the app: the stream ends its viewers, the camera's capture
 * process and the Socket.IO server stop, the database closes. Exits 0, or 1 if that does not
 * finish within `timeoutMs` (a supervisor would restart the process either way).
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): void {
  const logger = new Logger('Shutdown');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const state = app.get(ShutdownState);
  // Counts requests in flight and refuses new ones once shutting down (before every route).
  app.use(state.track.bind(state));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let started = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const began = performance.now();
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${options.timeoutMs} ms: exiting anyway`);
      exit(1);
    }, options.timeoutMs);
    deadline.unref();
    try {
      state.begin(signal);
      const server = app.getHttpServer() as Server;
      // No new connections; idle keep-alive connections are closed now, busy ones after their
      // response; whatever is still open when the app closes is destroyed (forceCloseConnections).
      server.close();
      server.closeIdleConnections();
      if (!(await state.whenIdle(options.timeoutMs / 2))) logger.warn(`${state.requestsInFlight} request(s) still running: closing anyway`);
      await app.close();
      logger.log(`stopped in ${Math.round(performance.now() - began)} ms`);
      clearTimeout(deadline);
      exit(0);
    } catch (err) {
      logger.error(`shutdown failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
      clearTimeout(deadline);
      exit(1);
    }
  };
  for (const signal of signals) process.on(signal, () => void shutdown(signal));
}
