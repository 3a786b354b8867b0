import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CameraModule } from './camera/camera.module';
import { AppConfig, validateConfig } from './config/app-config';
import { PeopleModule } from './people/people.module';
import { RecognitionModule } from './recognition/recognition.module';
import { StreamModule } from './stream/stream.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
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
        };
      },
    }),
    CameraModule,
    RecognitionModule,
    PeopleModule,
    StreamModule,
    WebModule,
  ],
})
export class AppModule {}
