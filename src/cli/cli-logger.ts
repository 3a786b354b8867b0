import { ConsoleLogger, LogLevel } from '@nestjs/common';

/**
 * Nest's console logger, but every line goes to stderr: stdout carries the command's result
 * (often JSON for another program), so nothing else may be written there.
 */
export class StderrLogger extends ConsoleLogger {
  constructor(verbose: boolean) {
    super({
      logLevels: verbose ? ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] : ['error', 'warn', 'fatal'],
      colors: !!process.stderr.isTTY && !process.env.NO_COLOR,
    });
  }

  protected printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}
