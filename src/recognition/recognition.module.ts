import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { matchRuleFor } from './engines/engine-defaults';
import { GalleryService } from './gallery.service';
import { InferenceClient } from './inference/inference.client';
import { MATCH_RULE, RecognitionService } from './recognition.service';
import type { ThresholdRule } from './matching/open-set-threshold';

@Module({
  providers: [
    {
      provide: InferenceClient,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new InferenceClient({
          engine: config.get('RECOGNITION_ENGINE', { infer: true }),
          modelsDir: resolve(config.get('MODELS_DIR', { infer: true })),
          detectionWidth: config.get('DETECTION_WIDTH', { infer: true }),
          minScore: config.get('DETECTION_MIN_SCORE', { infer: true }),
          smallFacePass: config.get('SMALL_FACE_PASS', { infer: true }),
        }),
    },
    {
      provide: MATCH_RULE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): ThresholdRule =>
        matchRuleFor(
          config.get('RECOGNITION_ENGINE', { infer: true }),
          config.get('MATCH_THRESHOLD', { infer: true }),
          config.get('MATCH_FALSE_NAME_RATE', { infer: true }),
        ),
    },
    GalleryService,
    RecognitionService,
  ],
  exports: [RecognitionService, GalleryService],
})
export class RecognitionModule {}
