import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { StreamModule } from '../stream/stream.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  imports: [CameraModule, RecognitionModule, StreamModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: MetricsService) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.metrics.countRequests.bind(this.metrics)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
