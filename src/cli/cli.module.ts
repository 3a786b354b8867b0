import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { EventsModule } from '../events/events.module';
import { LibrarySyncModule } from '../library-sync/library-sync.module';
import { ENROLL_FACES_DIR_AT_START } from '../people/people-startup.service';
import { PeopleModule } from '../people/people.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { ALLOW_UNFITTED_MODEL } from '../recognition/recognition.service';

export interface CliModuleOptions {
  /**
   * With the people library: DATA_DIR's database, stored photos and the live gallery, loaded
   * (and re-embedded if the engine changed) as the server does, without enrolling FACES_DIR.
   * Without it, only the engine: nothing on disk is opened or created.
   */
  people: boolean;
  /**
   * Start even when EMBEDDING_MODEL has no fitted tail and MATCH_THRESHOLD is unset: for the
   * commands that choose their own thresholds (verify-pairs) or fit the tail (identify --fit).
   */
  allowUnfittedModel?: boolean;
}

/** Lets the recognition module start with a model of your own that has no tail yet. */
@Global()
@Module({ providers: [{ provide: ALLOW_UNFITTED_MODEL, useValue: true }], exports: [ALLOW_UNFITTED_MODEL] })
class CliUnfittedModelModule {}

/** A command works on the library as it is: it does not enroll FACES_DIR as the server does at start. */
@Global()
@Module({ providers: [{ provide: ENROLL_FACES_DIR_AT_START, useValue: false }], exports: [ENROLL_FACES_DIR_AT_START] })
class CliPeopleOptionsModule {}

/**
 * What a CLI command runs on: the server's own configuration (validated environment),
 * engine and, when asked, people services. Never the camera or the stream.
 */
@Module({})
export class CliModule {
  static forCommand(options: CliModuleOptions): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
        ...(options.allowUnfittedModel ? [CliUnfittedModelModule] : []),
        RecognitionModule,
        // With the library sync, a person enrolled by the CLI into a shared PostgreSQL reaches the running nodes' galleries.
        ...(options.people ? [CliPeopleOptionsModule, DatabaseModule, EventsModule, PeopleModule, LibrarySyncModule] : []),
      ],
    };
  }
}
