import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { PeopleModule } from '../people/people.module';
import { RecognitionModule } from '../recognition/recognition.module';

export interface CliModuleOptions {
  /**
   * With the people library: DATA_DIR's database, stored photos and the live gallery, brought
   * up to date at start as the server does (PeopleStartupService). Without it, only the
   * engine: nothing on disk is opened or created.
   */
  people: boolean;
}

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
        RecognitionModule,
        ...(options.people ? [DatabaseModule, PeopleModule] : []),
      ],
    };
  }
}
