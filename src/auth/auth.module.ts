import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { AccessGuard } from './access.guard';
import { ACCESS_SECRETS, AccessSecrets, AccessService } from './access.service';
import { AuthController } from './auth.controller';
import { ADMIN_KEY_SPEC, provisionSecret, SESSION_SECRET_SPEC, VIEWER_KEY_SPEC } from './key-file';
import { RATE_LIMIT_WRITES_SKIP, rateLimitKey, RateLimitGuard, WRITES_THROTTLER } from './rate-limit.guard';
import { RevokedSession } from './revoked-session.entity';
import { SessionRevocations, SessionRevocationsRepository } from './session-revocations';
import { SignInRedirectFilter } from './sign-in-redirect.filter';

/** The two keys and the signing secret: configured, or generated once into DATA_DIR (mode 0600). */
function provisionAccessSecrets(config: ConfigService<AppConfig, true>): AccessSecrets {
  const dataDir = resolve(config.get('DATA_DIR', { infer: true }));
  mkdirSync(dataDir, { recursive: true });
  const logger = new Logger('Access');
  const admin = provisionSecret(ADMIN_KEY_SPEC, config.get('ADMIN_API_KEY', { infer: true }), dataDir, logger);
  const viewer = provisionSecret(VIEWER_KEY_SPEC, config.get('VIEWER_API_KEY', { infer: true }), dataDir, logger);
  const secret = provisionSecret(SESSION_SECRET_SPEC, undefined, dataDir, { log: () => undefined, warn: (m) => logger.warn(m) });
  for (const [label, key] of [['admin', admin], ['viewer', viewer]] as const) {
    if (key.source === 'file') logger.log(`${label} API key read from ${key.file}`);
  }
  if (admin.key === viewer.key) throw new Error('the admin and viewer keys are the same: set different ADMIN_API_KEY and VIEWER_API_KEY');
  const protectReads = config.get('PROTECT_READS', { infer: true });
  if (config.get('PUBLIC_READS', { infer: true })) {
    logger.warn('PUBLIC_READS=true: anyone who can reach this server sees the cameras, people, sightings and live events without a key (changes still need the admin key)');
  } else {
    logger.log('reads need the viewer or admin key, or a session (sign in at /login)');
  }
  if (protectReads !== undefined) {
    logger.warn(
      protectReads
        ? 'PROTECT_READS is retired: reads are protected by default now; drop the setting'
        : 'PROTECT_READS=false is retired and ignored: reads stay protected; set PUBLIC_READS=true to open them',
    );
  }
  return { adminKey: admin.key, viewerKey: viewer.key, sessionSecret: secret.key };
}

/**
 * Access control: the rate limit (checked first, so guessing keys is limited too), then the
 * access rule for every HTTP route (AccessGuard) and Socket.IO (SocketAccessAdapter, set up in
 * configureApp); signing in and out of the console.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([RevokedSession]),
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
  controllers: [AuthController],
  providers: [
    { provide: ACCESS_SECRETS, inject: [ConfigService], useFactory: provisionAccessSecrets },
    { provide: SessionRevocations, useClass: SessionRevocationsRepository },
    AccessService,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: SignInRedirectFilter },
  ],
  exports: [AccessService],
})
export class AuthModule {}
