import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CameraModule } from './camera/camera.module';
import { validateConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { PeopleModule } from './people/people.module';
import { RecognitionModule } from './recognition/recognition.module';
import { StreamModule } from './stream/stream.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
    DatabaseModule,
    CameraModule,
    RecognitionModule,
    PeopleModule,
    StreamModule,
    WebModule,
  ],
})
export class AppModule {}
