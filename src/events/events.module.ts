import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus';

/** The typed event bus, one per app, available everywhere. */
@Global()
@Module({ providers: [EventBus], exports: [EventBus] })
export class EventsModule {}
