import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { describeError } from '../common/worker-rpc';
import type { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus';
import { PeopleService } from '../people/people.service';
import { LibraryChange, LibraryChangesPort } from './library-changes.port';

/**
 * Keeps this node's in-memory gallery in step with the changes other nodes commit to the shared
 * store: tells the others about each local change, reloads a person when another node changed
 * them, and reloads everyone whenever listening (re)starts, since changes may have gone unheard.
 */
@Injectable()
export class GallerySyncService implements OnModuleDestroy {
  private readonly logger = new Logger('GallerySync');
  private readonly nodeName: string;
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];

  constructor(
    private readonly changes: LibraryChangesPort,
    private readonly people: PeopleService,
    events: EventBus,
    config: ConfigService<AppConfig, true>,
  ) {
    this.nodeName = config.get('NODE_NAME', { infer: true });
    // Subscribed at construction, before any onModuleInit: the FACES_DIR enrollment at start is told too.
    this.subscriptions.push(
      events.subscribe('person.changed', ({ personId, change }) => this.publish({ personId, kind: change })),
      events.subscribe('person.faces-changed', ({ personId }) => this.publish({ personId, kind: 'faces' })),
      changes.changes$.subscribe((change) => change.origin !== this.nodeName && void this.apply(change)),
      changes.listening$.subscribe(() => void this.resync()),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private publish(change: Omit<LibraryChange, 'origin'>): void {
    // Committed already: a failed notification leaves the others stale only until their next resync.
    this.changes.publish({ ...change, origin: this.nodeName }).catch((err) =>
      this.logger.warn(`could not tell the other nodes that person #${change.personId} was ${change.kind}: ${describeError(err)}`),
    );
  }

  private async apply(change: LibraryChange): Promise<void> {
    try {
      await this.people.reloadPerson(change.personId);
      this.logger.log(`person #${change.personId} reloaded into the gallery (${change.kind} on ${change.origin})`);
    } catch (err) {
      this.logger.warn(`could not reload person #${change.personId} (${change.kind} on ${change.origin}): ${describeError(err)}`);
    }
  }

  private async resync(): Promise<void> {
    try {
      await this.people.resyncGallery();
      this.logger.log('gallery resynced from the store');
    } catch (err) {
      this.logger.warn(`gallery resync failed: ${describeError(err)}`);
    }
  }
}
