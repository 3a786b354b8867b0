import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { LiveModule } from '../live/live.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { Sighting } from './sighting.entity';
import { SightingsController } from './sightings.controller';
import { SightingsRepository } from './sightings.repository';
import { SIGHTINGS_OPTIONS, SightingsOptions, SightingsService } from './sightings.service';

@Module({
  imports: [TypeOrmModule.forFeature([Sighting]), LiveModule, RecognitionModule],
  controllers: [SightingsController],
  providers: [
    {
      provide: SIGHTINGS_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): SightingsOptions => ({
        endAfterMs: config.get('SIGHTING_END_AFTER_MS', { infer: true }),
        flushEveryMs: 2000,
        betterViewBy: 5,
        // Several nodes on one store: the others' sightings are theirs to end (or to hand over at a failover).
        endOngoingAtStart: !config.get('DATABASE_URL', { infer: true }),
      }),
    },
    SightingsRepository,
    SightingsService,
  ],
  exports: [SightingsService, SightingsRepository],
})
export class SightingsModule {}
