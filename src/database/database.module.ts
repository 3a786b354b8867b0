import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { DatabaseWriteLock } from './database-write-lock';
import { SecureDelete } from './secure-delete';

/**
 * The SQLite database in DATA_DIR (WAL mode) (`face-stream.sqlite`), shared by the server and the CLI.
 * Entities register themselves through TypeOrmModule.forFeature in their modules; every
 * repository's writes take the DatabaseWriteLock.
 */
@Global()
@Module({
  providers: [DatabaseWriteLock, SecureDelete],
  exports: [DatabaseWriteLock],
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const dataDir = resolve(config.get('DATA_DIR', { infer: true }));
        mkdirSync(dataDir, { recursive: true });
        return {
          type: 'sqlite' as const,
          database: join(dataDir, 'face-stream.sqlite'),
          autoLoadEntities: true,
          synchronize: true,
          // Write-ahead log: a commit is one append, readers never block the writer, and a
          // killed process loses nothing committed (SQLite replays the log at the next open).
          enableWAL: true,
          // The CLI may write to the same file while the server runs: wait instead of failing.
          busyTimeout: 5_000,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
