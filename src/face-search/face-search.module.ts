import { Module } from '@nestjs/common';
import { PhotoUploadModule } from '../people/upload/photo-upload.module';
import { RecognizeModule } from '../recognize/recognize.module';
import { SightingsModule } from '../sightings/sightings.module';
import { UnknownFacesModule } from '../unknown-faces/unknown-faces.module';
import { FaceSearchController } from './face-search.controller';
import { FaceSearchService } from './face-search.service';

/** `POST /sightings/search`: a face's history, from the sightings and from the unknown-faces inbox. */
@Module({
  imports: [PhotoUploadModule, RecognizeModule, SightingsModule, UnknownFacesModule],
  controllers: [FaceSearchController],
  providers: [FaceSearchService],
})
export class FaceSearchModule {}
