import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { RecognitionModule } from '../recognition/recognition.module';
import { FaceSample } from './entities/face-sample.entity';
import { Person } from './entities/person.entity';
import { PeopleStartupService } from './people-startup.service';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PhotoStore } from './storage/photo-store';

@Module({
  imports: [
    TypeOrmModule.forFeature([Person, FaceSample]),
    RecognitionModule,
    // No `dest` or `storage`: multer keeps uploads in memory, cut off at UPLOAD_MAX_BYTES, so
    // nothing touches the disk until a photo has passed every check.
    MulterModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        limits: { fileSize: config.get('UPLOAD_MAX_BYTES', { infer: true }), files: 1, fields: 10, fieldSize: 64 * 1024 },
      }),
    }),
  ],
  controllers: [PeopleController],
  providers: [PeopleRepository, PeopleService, PhotoStore, PeopleStartupService],
  exports: [PeopleService],
})
export class PeopleModule {}
