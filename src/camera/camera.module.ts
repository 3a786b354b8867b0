import { existsSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { parseCameraSource } from './camera-source';
import { CAMERA_OPTIONS, CameraOptions, CameraService } from './camera.service';

@Module({
  providers: [
    {
      provide: CAMERA_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): CameraOptions => ({
        source: parseCameraSource(config.get('CAMERA_SOURCE', { infer: true }), existsSync),
        loop: config.get('CAMERA_LOOP', { infer: true }),
        paced: config.get('CAMERA_PACE', { infer: true }),
        reconnectInitialMs: config.get('CAMERA_RECONNECT_INITIAL_MS', { infer: true }),
        reconnectMaxMs: config.get('CAMERA_RECONNECT_MAX_MS', { infer: true }),
        openTimeoutMs: config.get('CAMERA_OPEN_TIMEOUT_MS', { infer: true }),
        readTimeoutMs: config.get('CAMERA_READ_TIMEOUT_MS', { infer: true }),
      }),
    },
    CameraService,
  ],
  exports: [CameraService],
})
export class CameraModule {}
