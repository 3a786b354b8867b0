import type { INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { validateConfig, type AppConfig } from '../config/app-config';
import { usageError } from './cli-errors';
import type { UploadLimits } from '../people/upload/upload-validation';
import { CliModule, type CliModuleOptions } from './cli.module';
import { StderrLogger } from './cli-logger';

export interface GlobalOptions {
  /** Nest's log lines at every level (on stderr); otherwise warnings and errors only. */
  verbose?: boolean;
}

/**
 * Starts the services a command needs (engine; people library when asked), runs `body`
 * and shuts them down again, whatever happened.
 */
export async function runInContext<T>(
  options: CliModuleOptions & GlobalOptions,
  body: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  // The environment is checked here first, so a bad variable is one clear line (exit 2), not a Nest stack trace.
  try {
    validateConfig(process.env);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const app = await NestFactory.createApplicationContext(CliModule.forCommand({ people: options.people, allowUnfittedModel: options.allowUnfittedModel }), {
    logger: new StderrLogger(!!options.verbose),
    // Throw instead of exiting, so the CLI prints one clean line and picks its exit code.
    abortOnError: false,
  });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

export function configOf(app: INestApplicationContext): ConfigService<AppConfig, true> {
  return app.get<ConfigService<AppConfig, true>>(ConfigService);
}

/** The server's upload limits, applied to files read by the CLI too. */
export function uploadLimitsOf(app: INestApplicationContext): UploadLimits {
  const config = configOf(app);
  return { maxBytes: config.get('UPLOAD_MAX_BYTES', { infer: true }), maxPixels: config.get('UPLOAD_MAX_PIXELS', { infer: true }) };
}
