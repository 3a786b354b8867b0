import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../events/event-bus';

/** States in which the camera delivers no frames although it should. */
const TROUBLED = new Set(['reconnecting', 'offline', 'stopped']);

/** One log line per camera state change (from the event bus), with the last error when it went wrong. */
@Injectable()
export class CameraStateLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CameraState');
  private subscription?: { unsubscribe(): void };

  constructor(private readonly events: EventBus) {}

  onModuleInit(): void {
    this.subscription = this.events.subscribe('camera.state', ({ camera, previous, state, lastError }) => {
      const message = `camera ${camera}: ${previous} -> ${state}${TROUBLED.has(state) && lastError ? ` (${lastError})` : ''}`;
      if (TROUBLED.has(state) && state !== 'stopped') this.logger.warn(message);
      else this.logger.log(message);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
