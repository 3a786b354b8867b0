import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { EMBEDDING_SETTINGS, embeddingInputOf, tailFileOf, type EmbeddingSettings } from '../config/embedding-config';
import { loadEmbeddingModelSpec } from './engines/embedding-model';
import { builtInModelMatch, matchRuleForModel, ownModelMatch, type ModelMatch } from './engines/model-match';
import { GalleryService } from './gallery.service';
import { InferenceClient } from './inference/inference.client';
import { ALLOW_UNFITTED_MODEL, MATCH_RULE, MODEL_MATCH, RecognitionService } from './recognition.service';
import type { ThresholdRule } from './matching/open-set-threshold';

@Module({
  providers: [
    {
      // The embedding model in use (hashed once here) and its different-person tail.
      provide: MODEL_MATCH,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): ModelMatch => {
        const settings = Object.fromEntries(
          ['RECOGNITION_ENGINE', ...EMBEDDING_SETTINGS].map((name) => [name, config.get(name as keyof AppConfig)]),
        ) as unknown as EmbeddingSettings;
        if (settings.EMBEDDING_MODEL === undefined) return builtInModelMatch(settings.RECOGNITION_ENGINE);
        const model = loadEmbeddingModelSpec(settings.EMBEDDING_MODEL, embeddingInputOf(settings));
        return ownModelMatch(model, tailFileOf(settings)!);
      },
    },
    {
      provide: InferenceClient,
      inject: [ConfigService, MODEL_MATCH],
      useFactory: (config: ConfigService<AppConfig, true>, model: ModelMatch) =>
        new InferenceClient({
          engine: config.get('RECOGNITION_ENGINE', { infer: true }),
          modelsDir: resolve(config.get('MODELS_DIR', { infer: true })),
          detectionWidth: config.get('DETECTION_WIDTH', { infer: true }),
          minScore: config.get('DETECTION_MIN_SCORE', { infer: true }),
          smallFacePass: config.get('SMALL_FACE_PASS', { infer: true }),
          embeddingModel: model.own?.model,
        }),
    },
    {
      provide: MATCH_RULE,
      inject: [ConfigService, MODEL_MATCH, { token: ALLOW_UNFITTED_MODEL, optional: true }],
      useFactory: (config: ConfigService<AppConfig, true>, model: ModelMatch, allowUnfitted?: boolean): ThresholdRule =>
        matchRuleForModel(model, config.get('MATCH_THRESHOLD', { infer: true }), config.get('MATCH_FALSE_NAME_RATE', { infer: true }), allowUnfitted === true),
    },
    GalleryService,
    RecognitionService,
  ],
  exports: [RecognitionService, GalleryService, MODEL_MATCH],
})
export class RecognitionModule {}

