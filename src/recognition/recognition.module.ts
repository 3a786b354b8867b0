import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { ENGINE_MATCH_DEFAULTS } from './engines/engine-defaults';
import { GalleryService } from './gallery.service';
import { InferenceClient } from './inference/inference.client';
import { MATCH_POLICY, RecognitionService } from './recognition.service';
import type { MatchPolicy } from './matching/matcher';

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
      provide: MATCH_POLICY,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): MatchPolicy => {
        const defaults = ENGINE_MATCH_DEFAULTS[config.get('RECOGNITION_ENGINE', { infer: true })];
        const threshold = config.get('MATCH_THRESHOLD', { infer: true });
        return { ...defaults, threshold: threshold ?? defaults.threshold };
      },
    },
    GalleryService,
    RecognitionService,
  ],
  exports: [RecognitionService, GalleryService],
})
export class RecognitionModule {}
