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
        reconnectInitialMs: 500,
        reconnectMaxMs: 30_000,
      }),
    },
    CameraService,
  ],
  exports: [CameraService],
})
export class CameraModule {}
