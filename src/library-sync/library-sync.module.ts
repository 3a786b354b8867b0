import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dialectOf } from '../database/store-options';
import { PeopleModule } from '../people/people.module';
import { Scheduler, TimerScheduler } from '../retention/scheduler';
import { GallerySyncService } from './gallery-sync.service';
import { LibraryChangesPort, NoLibraryChanges } from './library-changes.port';
import { PgLibraryChanges } from './pg-library-changes';

/** Several nodes on one PostgreSQL store: each one's gallery follows the changes of all (a no-op on SQLite). */
@Module({
  imports: [PeopleModule],
  providers: [
    {
      provide: LibraryChangesPort,
      inject: [DataSource, ConfigService],
      useFactory: (store: DataSource, config: ConfigService<AppConfig, true>): LibraryChangesPort =>
        dialectOf(store) === 'postgres' ? new PgLibraryChanges(store, config.get('DATABASE_URL', { infer: true })!, config.get('NODE_NAME', { infer: true })) : new NoLibraryChanges(),
    },
    // The periodic library check (LIBRARY_CHECK_INTERVAL_S). Plain timers: this module runs in the
    // command line too, which does not load @nestjs/schedule.
    { provide: Scheduler, useClass: TimerScheduler },
    GallerySyncService,
  ],
})
export class LibrarySyncModule {}
