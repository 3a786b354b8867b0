import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus';
import { PersonErasures } from './person-erasures';

/** The typed event bus and the erasure followers, one per app, available everywhere. */
@Global()
@Module({ providers: [EventBus, PersonErasures], exports: [EventBus, PersonErasures] })
export class EventsModule {}
