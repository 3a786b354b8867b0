import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from './auth/auth.module';
import { CameraModule } from './camera/camera.module';
import { validateConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PeopleModule } from './people/people.module';
import { RecognitionModule } from './recognition/recognition.module';
import { StreamModule } from './stream/stream.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
    LifecycleModule,
    AuthModule,
    LoggingModule,
    DatabaseModule,
    CameraModule,
    RecognitionModule,
    PeopleModule,
    StreamModule,
    WebModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
