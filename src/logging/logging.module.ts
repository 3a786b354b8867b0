import { Module } from '@nestjs/common';
import { CameraStateLogger } from './camera-state-logger';

@Module({ providers: [CameraStateLogger] })
export class LoggingModule {}
