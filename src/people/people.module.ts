import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dialectOf } from '../database/store-options';
import { CLOCK } from '../common/clock';
import { RecognitionModule } from '../recognition/recognition.module';
import { Sighting } from '../sightings/sighting.entity';
import { SightingTraces } from '../sightings/sighting-traces';
import { FaceSample } from './entities/face-sample.entity';
import { Person } from './entities/person.entity';
import { ArchiveWriter } from './export/archive-writer';
import { PersonExportService } from './export/person-export.service';
import { ArchiverZipWriter } from './export/zip-writer';
import { PeopleStartupService } from './people-startup.service';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PERSON_TRACES } from './person-traces';
import { DatabasePhotoStore } from './storage/database-photo-store';
import { FilePhotoStore } from './storage/file-photo-store';
import { PhotoStore } from './storage/photo-store';
import { PhotoUploadModule } from './upload/photo-upload.module';
import { RejectedView } from './suggestions/rejected-view.entity';
import { SampleSuggestion } from './suggestions/sample-suggestion.entity';
import { SUGGESTION_STORE, TypeOrmSuggestionStore } from './suggestions/suggestion-store';

@Module({
  imports: [
    // Sightings are a person's traces too: erased with them, exported with them (PersonTraces).
    TypeOrmModule.forFeature([Person, FaceSample, SampleSuggestion, RejectedView, Sighting]),
    RecognitionModule,
    PhotoUploadModule,
  ],
  controllers: [PeopleController],
  providers: [
    { provide: PERSON_TRACES, useClass: SightingTraces },
    PeopleRepository,
    PeopleService,
    {
      provide: PhotoStore,
      inject: [ConfigService, DataSource],
      useFactory: (config: ConfigService<AppConfig, true>, db: DataSource): PhotoStore =>
        dialectOf(db) === 'postgres' ? new DatabasePhotoStore(db) : new FilePhotoStore(config.get('DATA_DIR', { infer: true })),
    },
    PeopleStartupService,
    PersonExportService,
    { provide: ArchiveWriter, useClass: ArchiverZipWriter },
    { provide: CLOCK, useValue: Date.now },
    // Suggested samples and rejected views are the person's data: erased in their deletion's transaction, exported with them.
    { provide: SUGGESTION_STORE, useClass: TypeOrmSuggestionStore },
  ],
  exports: [PeopleService, SUGGESTION_STORE],
})
export class PeopleModule {}
