import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CameraModule } from './camera/camera.module';
import { validateConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { LiveModule } from './live/live.module';
import { PeopleModule } from './people/people.module';
import { RecognitionModule } from './recognition/recognition.module';
import { SightingsModule } from './sightings/sightings.module';
import { StreamModule } from './stream/stream.module';
import { UnknownFacesModule } from './unknown-faces/unknown-faces.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
    DatabaseModule,
    CameraModule,
    RecognitionModule,
    PeopleModule,
    StreamModule,
    LiveModule,
    SightingsModule,
    UnknownFacesModule,
    WebModule,
  ],
})
export class AppModule {}
