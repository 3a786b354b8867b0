import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { pairwise, startWith, Subscription } from 'rxjs';
import { CameraService } from '../camera/camera.service';

/** States in which the camera delivers no frames although it should. */
const TROUBLED = new Set(['reconnecting', 'offline', 'stopped']);

/** One log line per camera state change, with the last error when it went wrong. */
@Injectable()
export class CameraStateLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CameraState');
  private subscription?: Subscription;

  constructor(private readonly camera: CameraService) {}

  onModuleInit(): void {
    this.subscription = this.camera.state$.pipe(startWith(this.camera.state$.value), pairwise()).subscribe(([from, to]) => {
      if (from === to) return;
      const status = this.camera.getStatus();
      const message = `camera ${status.source}: ${from} -> ${to}${TROUBLED.has(to) && status.lastError ? ` (${status.lastError})` : ''}`;
      if (TROUBLED.has(to) && to !== 'stopped') this.logger.warn(message);
      else this.logger.log(message);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
