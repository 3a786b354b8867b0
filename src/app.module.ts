import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { StreamLinksModule } from './auth/stream-links.module';
import { CamerasModule } from './cameras/cameras.module';
import { ClusterEventsModule } from './cluster-events/cluster-events.module';
import { ClusterModule } from './cluster/cluster.module';
import { EventsModule } from './events/events.module';
import { FaceSearchModule } from './face-search/face-search.module';
import { validateConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LibrarySyncModule } from './library-sync/library-sync.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LiveModule } from './live/live.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { MqttModule } from './mqtt/mqtt.module';
import { PeopleModule } from './people/people.module';
import { SampleSuggestionsModule } from './people/suggestions/sample-suggestions.module';
import { RecognitionModule } from './recognition/recognition.module';
import { RecognizeModule } from './recognize/recognize.module';
import { RetentionModule } from './retention/retention.module';
import { SightingCorrectionModule } from './sightings/correction/sighting-correction.module';
import { SightingsModule } from './sightings/sightings.module';
import { StreamModule } from './stream/stream.module';
import { UnknownFacesModule } from './unknown-faces/unknown-faces.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateConfig }),
    LifecycleModule,
    AuthModule,
    LoggingModule,
    DatabaseModule,
    EventsModule,
    CamerasModule,
    RecognitionModule,
    PeopleModule,
    LibrarySyncModule,
    ClusterEventsModule,
    ClusterModule,
    StreamModule,
    LiveModule,
    SightingsModule,
    UnknownFacesModule,
    SightingCorrectionModule,
    SampleSuggestionsModule,
    RecognizeModule,
    FaceSearchModule,
    WebModule,
    StreamLinksModule,
    HealthModule,
    MetricsModule,
    AuditModule,
    RetentionModule,
    MqttModule,
  ],
})
export class AppModule {}
