import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { CamerasModule } from '../cameras/cameras.module';
import type { AppConfig } from '../config/app-config';
import { LiveModule } from '../live/live.module';
import { PeopleModule } from '../people/people.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { UnknownFace } from './unknown-face.entity';
import { UnknownFacesController } from './unknown-faces.controller';
import { UnknownFacesRepository } from './unknown-faces.repository';
import { inboxPolicyOf, UNKNOWN_INBOX_POLICY } from './unknown-inbox-policy';
import { UNKNOWN_FACES_OPTIONS, UnknownFacesOptions, UnknownFacesService } from './unknown-faces.service';

@Module({
  imports: [TypeOrmModule.forFeature([UnknownFace]), CamerasModule, LiveModule, PeopleModule, RecognitionModule],
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
    {
      provide: UNKNOWN_INBOX_POLICY,
      inject: [CameraRegistry],
      useFactory: (cameras: CameraRegistry) =>
        inboxPolicyOf((camera) => {
          try {
            return cameras.get(camera).definition;
          } catch {
            return undefined; // removed meanwhile
          }
        }),
    },
    UnknownFacesRepository,
    UnknownFacesService,
  ],
  exports: [UnknownFacesService],
})
export class UnknownFacesModule {}
