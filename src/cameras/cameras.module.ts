import { Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventLoopDelayMonitor } from '../common/event-loop-delay';
import { DomainErrorFilter } from '../common/domain-error.filter';
import type { AppConfig } from '../config/app-config';
import { StreamController } from '../stream/stream.controller';
import { StreamModule } from '../stream/stream.module';
import { camerasFromSettings } from './camera-definition';
import { CameraRecord } from './camera.entity';
import { CameraLocations } from './camera-locations';
import { CameraRouter } from './camera-router';
import { CameraRegistry, CONFIGURED_CAMERAS, LEASED_CAMERAS, SOURCE_PROBE_MS } from './camera-registry.service';
import { CamerasController } from './cameras.controller';
import { CamerasRepository } from './cameras.repository';

/** The cameras of this node: stored, configured, started and served (one pipeline each). */
@Module({
  imports: [TypeOrmModule.forFeature([CameraRecord]), StreamModule],
  controllers: [CamerasController, StreamController],
  providers: [
    {
      provide: CONFIGURED_CAMERAS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        camerasFromSettings({
          CAMERAS: config.get('CAMERAS', { infer: true }),
          CAMERAS_FILE: config.get('CAMERAS_FILE', { infer: true }),
          CAMERA_SOURCE: config.get('CAMERA_SOURCE', { infer: true }),
          CAMERA_NAME: config.get('CAMERA_NAME', { infer: true }),
        }),
    },
    {
      provide: SOURCE_PROBE_MS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => config.get('CAMERA_OPEN_TIMEOUT_MS', { infer: true }),
    },
    {
      // Several nodes on one PostgreSQL: cameras run where they are leased (src/cluster).
      provide: LEASED_CAMERAS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => Boolean(config.get('DATABASE_URL', { infer: true })),
    },
    {
      // How late the main thread runs (a hung camera must not show here).
      provide: EventLoopDelayMonitor,
      useFactory: () => {
        const monitor = new EventLoopDelayMonitor();
        monitor.start();
        return monitor;
      },
    },
    { provide: APP_FILTER, useClass: DomainErrorFilter },
    CamerasRepository,
    CameraRegistry,
    CameraLocations,
    CameraRouter,
  ],
  exports: [CameraRegistry, CameraLocations, CameraRouter, CamerasRepository, EventLoopDelayMonitor],
})
export class CamerasModule implements OnApplicationShutdown {
  constructor(private readonly eventLoop: EventLoopDelayMonitor) {}

  onApplicationShutdown(): void {
    this.eventLoop.stop();
  }
}
