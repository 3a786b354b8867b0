import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { describeError } from '../common/worker-rpc';
import type { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus';
import { PeopleService } from '../people/people.service';
import { Scheduler, type StopJob } from '../retention/scheduler';
import { LibraryChange, LibraryChangesPort, NoLibraryChanges } from './library-changes.port';
import { fingerprintDifference, fingerprintOf } from './library-fingerprint';

/** The origin of a 'person.changed' found by a full reload, not told by a node. */
export const RESYNC_ORIGIN = 'resync';

/**
 * Keeps this node's in-memory gallery in step with the changes other nodes commit to the shared
 * store: tells the others about each local change, reloads a person when another node changed
 * them, and reloads everyone whenever listening (re)starts, since changes may have gone unheard,
 * and whenever a periodic comparison of fingerprints finds that the gallery is not the store.
 */
@Injectable()
export class GallerySyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('GallerySync');
  private readonly nodeName: string;
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];
  /** Notifications on their way: awaited at shutdown, so a short-lived process (a CLI enroll) still tells the nodes. */
  private readonly sending = new Set<Promise<void>>();
  private readonly checkIntervalMs: number;
  private stopChecks?: StopJob;
  private checking = false;
  /** Between a first difference and the second look: a change committed but not yet heard is not a lost one. */
  settleMs = 1_000;

  constructor(
    private readonly changes: LibraryChangesPort,
    private readonly people: PeopleService,
    private readonly events: EventBus,
    config: ConfigService<AppConfig, true>,
    private readonly scheduler: Scheduler,
  ) {
    this.nodeName = config.get('NODE_NAME', { infer: true });
    this.checkIntervalMs = config.get('LIBRARY_CHECK_INTERVAL_S', { infer: true }) * 1000;
    // Subscribed at construction, before any onModuleInit: the FACES_DIR enrollment at start is told too.
    this.subscriptions.push(
      events.subscribe('person.changed', ({ personId, change, origin }) => origin === undefined && this.publish({ personId, kind: change })),
      events.subscribe('person.faces-changed', ({ personId }) => this.publish({ personId, kind: 'faces' })),
      changes.changes$.subscribe((change) => change.origin !== this.nodeName && void this.apply(change)),
      changes.listening$.subscribe(() => void this.resync()),
    );
  }

  onApplicationBootstrap(): void {
    // A store of its own (SQLite) has nobody else's changes to miss.
    if (this.checkIntervalMs > 0 && !(this.changes instanceof NoLibraryChanges)) this.stopChecks = this.scheduler.every('library-check', this.checkIntervalMs, () => void this.check());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopChecks?.();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await Promise.all(this.sending);
  }

  private publish(change: Omit<LibraryChange, 'origin'>): void {
    // Committed already: a failed notification leaves the others stale only until their next resync.
    const sent = this.changes
      .publish({ ...change, origin: this.nodeName })
      .catch((err) => this.logger.warn(`could not tell the other nodes that person #${change.personId} was ${change.kind}: ${describeError(err)}`))
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }

  private async apply(change: LibraryChange): Promise<void> {
    try {
      const { name, removed } = await this.people.reloadPerson(change.personId);
      // This node's own channels with a copy of the library (MQTT state, sightings being recorded) follow too:
      // above all an erasure, so nothing here records the person again.
      const told = removed ? 'removed' : change.kind === 'added' || change.kind === 'renamed' ? change.kind : null;
      if (told) this.events.emit('person.changed', { personId: change.personId, name, change: told, origin: change.origin });
      this.logger.log(`person #${change.personId} reloaded into the gallery (${change.kind} on ${change.origin})`);
    } catch (err) {
      this.logger.warn(`could not reload person #${change.personId} (${change.kind} on ${change.origin}): ${describeError(err)}`);
    }
  }

  private async resync(): Promise<void> {
    try {
      const dropped = await this.people.resyncGallery();
      // Erased elsewhere while this node was not listening: its channels forget them now.
      for (const { personId, name } of dropped) this.events.emit('person.changed', { personId, name, change: 'removed', origin: RESYNC_ORIGIN });
      this.logger.log(`gallery resynced from the store${dropped.length > 0 ? ` (${dropped.length} erased meanwhile)` : ''}`);
    } catch (err) {
      this.logger.warn(`gallery resync failed: ${describeError(err)}`);
    }
  }

  /**
   * Compares the store's fingerprint with the gallery's and reloads the gallery when they still
   * differ at a second look, settleMs later (a notification lost, or a write that bypassed the
   * nodes). Nothing to compare on a store of its own. Whether it resynced.
   */
  async check(): Promise<boolean> {
    if (this.checking) return false;
    this.checking = true;
    try {
      if (!(await this.difference())) return false;
      await new Promise((resolve) => setTimeout(resolve, this.settleMs));
      const difference = await this.difference();
      if (!difference) return false;
      this.logger.warn(`the gallery is not what the store holds (${difference}): a change went unheard; reloading it`);
      await this.resync();
      return true;
    } catch (err) {
      this.logger.warn(`could not compare the gallery with the store: ${describeError(err)}`);
      return false;
    } finally {
      this.checking = false;
    }
  }

  private async difference(): Promise<string> {
    const gallery = await this.people.galleryContents();
    const stored = await this.changes.fingerprint(gallery.modelId);
    return stored ? fingerprintDifference(stored, fingerprintOf(gallery.people, gallery.sampleIds)) : '';
  }
}
