import { ConsoleLogger, LoggerService } from '@nestjs/common';
import { LOG_FORMATS, LogFormat } from '../config/app-config';

/** LOG_FORMAT if set (and valid), else JSON in production and text elsewhere. */
export function logFormatFor(env: Record<string, string | undefined>): LogFormat {
  const configured = env.LOG_FORMAT?.trim().toLowerCase();
  if (configured && (LOG_FORMATS as readonly string[]).includes(configured)) return configured as LogFormat;
  return env.NODE_ENV === 'production' ? 'json' : 'text';
}

/**
 * The app's logger, built before the configuration module runs (LOG_FORMAT is validated there
 * too). JSON: one object per line with level, pid, timestamp, context and message.
 */
export function createAppLogger(env: Record<string, string | undefined> = process.env): LoggerService {
  return logFormatFor(env) === 'json' ? new ConsoleLogger({ json: true, colors: false }) : new ConsoleLogger();
}
