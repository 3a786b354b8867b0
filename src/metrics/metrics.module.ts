import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { CamerasModule } from '../cameras/cameras.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  imports: [CamerasModule, RecognitionModule],
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
