import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CameraModule } from '../camera/camera.module';
import type { AppConfig } from '../config/app-config';
import { RecognitionModule } from '../recognition/recognition.module';
import { EventsGateway } from './events.gateway';
import { RenderClient } from './render/render.client';
import { StreamController } from './stream.controller';
import { STREAM_OPTIONS, StreamOptions, StreamService } from './stream.service';

@Module({
  imports: [CameraModule, RecognitionModule],
  controllers: [StreamController],
  providers: [
    {
      provide: STREAM_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): StreamOptions => ({
        recognizeEveryN: config.get('RECOGNIZE_EVERY_N_FRAMES', { infer: true }),
        confirmTracks: config.get('TRACK_CONFIRMATION', { infer: true }),
        overlayWaitMs: 100,
        maxRenderQueue: 8,
        placeholder: {
          intervalMs: 1000 / config.get('STREAM_PLACEHOLDER_FPS', { infer: true }),
          offlineAfterMs: config.get('STREAM_OFFLINE_AFTER_MS', { infer: true }),
        },
      }),
    },
    {
      provide: RenderClient,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => new RenderClient(config.get('STREAM_JPEG_QUALITY', { infer: true })),
    },
    StreamService,
    EventsGateway,
  ],
  exports: [StreamService],
})
export class StreamModule {}
