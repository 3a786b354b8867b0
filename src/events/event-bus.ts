import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { filter, map, Observable, Subject } from 'rxjs';
import type { AppEventName, AppEvents } from './app-events';

type Envelope = { [K in AppEventName]: { type: K; payload: AppEvents[K] } }[AppEventName];

/**
 * The app's event bus: publishers call emit(), channels subscribe with on(). Synchronous and
 * in-process (a Subject); a subscriber that throws is logged and does not stop the others.
 */
@Injectable()
export class EventBus implements OnModuleDestroy {
  private readonly logger = new Logger(EventBus.name);
  private readonly subject = new Subject<Envelope>();

  emit<K extends AppEventName>(type: K, payload: AppEvents[K]): void {
    this.subject.next({ type, payload } as Envelope);
  }

  on<K extends AppEventName>(type: K): Observable<AppEvents[K]> {
    return this.subject.pipe(
      filter((event): event is Extract<Envelope, { type: K }> => event.type === type),
      map((event) => event.payload as AppEvents[K]),
    );
  }

  /** Subscribes a handler whose errors are contained (one broken channel never breaks the pipeline that emitted). */
  subscribe<K extends AppEventName>(type: K, handler: (payload: AppEvents[K]) => void): { unsubscribe(): void } {
    return this.on(type).subscribe((payload) => {
      try {
        handler(payload);
      } catch (err) {
        this.logger.warn(`a "${type}" subscriber failed: ${err instanceof Error ? err.message : err}`);
      }
    });
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
