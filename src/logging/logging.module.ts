import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { CameraStateLogger } from './camera-state-logger';

@Module({ imports: [CameraModule], providers: [CameraStateLogger] })
export class LoggingModule {}
