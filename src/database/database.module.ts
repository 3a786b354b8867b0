import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { DatabaseWriteLock } from './database-write-lock';
import { SecureDelete } from './secure-delete';
import { openStore, storeOptions } from './store-options';

/**
 * The store shared by the server and the CLI: PostgreSQL at DATABASE_URL, else the SQLite file
 * in DATA_DIR (WAL mode, `face-stream.sqlite`); migrated at open (see storeOptions).
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
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        ...storeOptions({ DATA_DIR: config.get('DATA_DIR', { infer: true }), DATABASE_URL: config.get('DATABASE_URL', { infer: true }) }),
        autoLoadEntities: true,
      }),
      dataSourceFactory: (options) => openStore(options!),
    }),
  ],
})
export class DatabaseModule {}
