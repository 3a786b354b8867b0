import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CamerasModule } from '../cameras/cameras.module';
import { MqttModule } from '../mqtt/mqtt.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { HealthController } from './health.controller';

@Module({
  // Camera state changes are logged by CameraStateLogger; a failing probe every few seconds should not log each time.
  imports: [TerminusModule.forRoot({ logger: false }), CamerasModule, RecognitionModule, MqttModule],
  controllers: [HealthController],
})
export class HealthModule {}
