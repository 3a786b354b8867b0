import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dialectOf } from '../database/store-options';
import { PeopleModule } from '../people/people.module';
import { INTERVAL_REGISTRY, NestScheduler, Scheduler } from '../retention/scheduler';
import { GallerySyncService } from './gallery-sync.service';
import { LibraryChangesPort, NoLibraryChanges } from './library-changes.port';
import { PgLibraryChanges } from './pg-library-changes';

/** Several nodes on one PostgreSQL store: each one's gallery follows the changes of all (a no-op on SQLite). */
@Module({
  imports: [PeopleModule, ScheduleModule.forRoot()],
  providers: [
    {
      provide: LibraryChangesPort,
      inject: [DataSource, ConfigService],
      useFactory: (store: DataSource, config: ConfigService<AppConfig, true>): LibraryChangesPort =>
        dialectOf(store) === 'postgres' ? new PgLibraryChanges(store, config.get('DATABASE_URL', { infer: true })!, config.get('NODE_NAME', { infer: true })) : new NoLibraryChanges(),
    },
    // The periodic library check (LIBRARY_CHECK_INTERVAL_S) as a @nestjs/schedule interval.
    { provide: INTERVAL_REGISTRY, useExisting: SchedulerRegistry },
    { provide: Scheduler, useClass: NestScheduler },
    GallerySyncService,
  ],
})
export class LibrarySyncModule {}
