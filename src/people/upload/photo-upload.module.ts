import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MulterModule } from '@nestjs/platform-express';
import type { AppConfig } from '../../config/app-config';
import { RecognitionModule } from '../../recognition/recognition.module';
import { UploadedPhotoAnalyzer } from './uploaded-photo-analyzer';

/**
 * Photo uploads, for every module with a route taking one: multer's limits (a module using
 * FileInterceptor imports this) and the checks and analysis of UploadedPhotoAnalyzer.
 */
@Module({
  imports: [
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
  providers: [UploadedPhotoAnalyzer],
  exports: [MulterModule, UploadedPhotoAnalyzer],
})
export class PhotoUploadModule {}
