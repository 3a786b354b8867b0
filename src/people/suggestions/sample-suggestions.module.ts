import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CLOCK } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import { LiveModule } from '../../live/live.module';
import { RecognitionModule } from '../../recognition/recognition.module';
import { PeopleModule } from '../people.module';
import { SampleSuggestionsService, SUGGESTIONS_OPTIONS, SuggestionsOptions } from './sample-suggestions.service';
import { DEFAULT_SUGGESTION_POLICY } from './suggestion-rules';
import { RejectedViewsController } from './rejected-views.controller';
import { SuggestionsController } from './suggestions.controller';

/** Suggested samples from the live cameras (the server only: the command line has no cameras). */
@Module({
  imports: [PeopleModule, RecognitionModule, LiveModule],
  controllers: [SuggestionsController, RejectedViewsController],
  providers: [
    {
      provide: SUGGESTIONS_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): SuggestionsOptions => ({
        policy: {
          ...DEFAULT_SUGGESTION_POLICY,
          autoAdd: { ...DEFAULT_SUGGESTION_POLICY.autoAdd, enabled: config.get('AUTO_ADD_SAMPLES', { infer: true }) },
        },
        maxPerPerson: config.get('SAMPLE_SUGGESTIONS_PER_PERSON', { infer: true }),
        trackEveryMs: 2000,
      }),
    },
    { provide: CLOCK, useValue: Date.now },
    SampleSuggestionsService,
  ],
})
export class SampleSuggestionsModule {}
