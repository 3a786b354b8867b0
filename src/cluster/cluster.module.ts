import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { CamerasModule } from '../cameras/cameras.module';
import { CameraLocations } from '../cameras/camera-locations';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { type AppConfig, nodeUrlOf } from '../config/app-config';
import { dialectOf } from '../database/store-options';
import { EventBus } from '../events/event-bus';
import { SightingsModule } from '../sightings/sightings.module';
import { SightingsService } from '../sightings/sightings.service';
import { CameraLeaseKeeper, LEASE_SETTINGS, type LeaseSettings, SightingsHandover } from './camera-lease-keeper.service';
import { CameraLeasesPort } from './camera-leases.port';
import { PgCameraLeases } from './pg-camera-leases';

/**
 * Cameras across nodes on one PostgreSQL: each camera runs on exactly one live node, by lease.
 * On SQLite (one node) nothing of it runs: the keeper is not even created.
 */
@Module({
  imports: [CamerasModule, SightingsModule],
  providers: [
    { provide: CameraLeasesPort, inject: [DataSource], useFactory: (store: DataSource) => new PgCameraLeases(store) },
    {
      provide: LEASE_SETTINGS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): LeaseSettings => ({
        node: { name: config.get('NODE_NAME', { infer: true }), url: nodeUrlOf({ NODE_URL: config.get('NODE_URL', { infer: true }), PORT: config.get('PORT', { infer: true }) }) },
        ttlMs: config.get('CAMERA_LEASE_TTL_MS', { infer: true }),
        renewMs: config.get('CAMERA_LEASE_RENEW_MS', { infer: true }),
        clock: () => performance.now(),
      }),
    },
    { provide: SightingsHandover, useExisting: SightingsService },
    {
      provide: CameraLeaseKeeper,
      inject: [DataSource, CameraLeasesPort, CameraRegistry, CameraLocations, SightingsHandover, EventBus, LEASE_SETTINGS],
      useFactory: (store: DataSource, leases: CameraLeasesPort, registry: CameraRegistry, locations: CameraLocations, sightings: SightingsHandover, events: EventBus, settings: LeaseSettings) =>
        dialectOf(store) === 'postgres' ? new CameraLeaseKeeper(leases, registry, locations, sightings, events, settings) : null,
    },
  ],
})
export class ClusterModule {}
