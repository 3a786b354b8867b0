import { Module } from '@nestjs/common';
import { CamerasModule } from '../cameras/cameras.module';
import { AuthModule } from './auth.module';
import { StreamLinksController } from './stream-links.controller';

/** Signed stream links (apart from AuthModule, which must not depend on the cameras). */
@Module({ imports: [AuthModule, CamerasModule], controllers: [StreamLinksController] })
export class StreamLinksModule {}
