import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import type { AppConfig } from './config/app-config';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';
import { createAppLogger } from './logging/log-format';

async function bootstrap(): Promise<void> {
  // Connections still open when the app closes (a viewer, a slow upload) are destroyed, so they cannot hold the exit.
  const app = await NestFactory.create(AppModule, { logger: createAppLogger(), forceCloseConnections: true });
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  installGracefulShutdown(app, { timeoutMs: config.get('SHUTDOWN_TIMEOUT_MS', { infer: true }) });
  configureApp(app);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.get('PORT', { infer: true });
  Logger.log(`listening on http://localhost:${port} (stream at /stream, API docs at /docs)`, 'Bootstrap');
}

bootstrap().catch((err) => {
  // Configuration errors and missing native pieces end up here: say it plainly and exit non-zero.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
