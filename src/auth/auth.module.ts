import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { ADMIN_KEY, AdminKeyGuard } from './admin-key.guard';
import { provisionAdminKey } from './key-file';
import { RATE_LIMIT_WRITES_SKIP, rateLimitKey, RateLimitGuard, WRITES_THROTTLER } from './rate-limit.guard';

/**
 * Access control for the HTTP API: the rate limit (checked first, so guessing keys is
 * limited too), then the admin key. Both are global guards.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const ttl = config.get('RATE_LIMIT_WINDOW_S', { infer: true }) * 1000;
        return {
          generateKey: rateLimitKey,
          throttlers: [
            { name: 'default', ttl, limit: config.get('RATE_LIMIT_MAX', { infer: true }) },
            { name: WRITES_THROTTLER, ttl, limit: config.get('RATE_LIMIT_WRITE_MAX', { infer: true }), skipIf: RATE_LIMIT_WRITES_SKIP },
          ],
        };
      },
    }),
  ],
  providers: [
    {
      provide: ADMIN_KEY,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const dataDir = resolve(config.get('DATA_DIR', { infer: true }));
        mkdirSync(dataDir, { recursive: true });
        const logger = new Logger('AdminKey');
        const adminKey = provisionAdminKey(config.get('ADMIN_API_KEY', { infer: true }), dataDir, logger);
        if (adminKey.source === 'file') logger.log(`admin API key read from ${adminKey.file}`);
        return adminKey;
      },
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AdminKeyGuard },
  ],
})
export class AuthModule {}
