import { Module } from '@nestjs/common';
import { RecognitionModule } from '../../recognition/recognition.module';
import { UnknownFacesModule } from '../../unknown-faces/unknown-faces.module';
import { SightingsModule } from '../sightings.module';
import { SightingCorrectionController } from './sighting-correction.controller';
import { SightingCorrectionService } from './sighting-correction.service';

/** Correcting a sighting's name (to another person, or to the inbox): between sightings and the inbox. */
@Module({
  imports: [SightingsModule, UnknownFacesModule, RecognitionModule],
  controllers: [SightingCorrectionController],
  providers: [SightingCorrectionService],
})
export class SightingCorrectionModule {}
