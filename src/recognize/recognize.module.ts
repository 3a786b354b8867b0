import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { PhotoUploadModule } from '../people/upload/photo-upload.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { PHOTO_RECOGNITION_OPTIONS, PhotoRecognitionOptions, PhotoRecognitionService } from './photo-recognition.service';
import { RecognizeController } from './recognize.controller';

/** Asking about a photo: `POST /recognize` names its faces; the service also serves the face search. */
@Module({
  imports: [RecognitionModule, PhotoUploadModule],
  controllers: [RecognizeController],
  providers: [
    {
      provide: PHOTO_RECOGNITION_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): PhotoRecognitionOptions => ({
        minFacePx: config.get('ENROLL_MIN_FACE_PX', { infer: true }),
      }),
    },
    PhotoRecognitionService,
  ],
  exports: [PhotoRecognitionService],
})
export class RecognizeModule {}
