import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { LiveModule } from '../live/live.module';
import { PeopleModule } from '../people/people.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { UnknownFace } from './unknown-face.entity';
import { UnknownFacesController } from './unknown-faces.controller';
import { UnknownFacesRepository } from './unknown-faces.repository';
import { UNKNOWN_FACES_OPTIONS, UnknownFacesOptions, UnknownFacesService } from './unknown-faces.service';

@Module({
  imports: [TypeOrmModule.forFeature([UnknownFace]), LiveModule, PeopleModule, RecognitionModule],
  controllers: [UnknownFacesController],
  providers: [
    {
      provide: UNKNOWN_FACES_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): UnknownFacesOptions => ({
        afterMs: config.get('UNKNOWN_FACE_AFTER_MS', { infer: true }),
        minFacePx: config.get('ENROLL_MIN_FACE_PX', { infer: true }),
        groupSimilarity: config.get('UNKNOWN_FACE_GROUP_SIMILARITY', { infer: true }),
      }),
    },
    UnknownFacesRepository,
    UnknownFacesService,
  ],
  exports: [UnknownFacesService],
})
export class UnknownFacesModule {}
