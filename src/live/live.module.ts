import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { CamerasModule } from '../cameras/cameras.module';
import { ClusterEventsModule } from '../cluster-events/cluster-events.module';
import { JpegModule } from '../stream/render/jpeg.module';
import { FaceCropper } from './face-cropper';
import { LiveController } from './live.controller';
import { LiveFacesService } from './live-faces.service';
import { LiveGateway } from './live.gateway';

/** The console's live view: faces in view, pipeline figures, enrolling from the stream; also shares face crops and the push channel. */
@Module({
  imports: [CamerasModule, PeopleModule, ClusterEventsModule, JpegModule],
  controllers: [LiveController],
  providers: [LiveGateway, FaceCropper, LiveFacesService],
  exports: [LiveGateway, FaceCropper],
})
export class LiveModule {}
