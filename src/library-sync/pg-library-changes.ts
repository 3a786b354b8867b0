import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { Observable, Subject } from 'rxjs';
import type { DataSource } from 'typeorm';
import { backoffDelay } from '../camera/backoff';
import { describeError } from '../common/worker-rpc';
import { LibraryChange, LibraryChangesPort, parseLibraryChange } from './library-changes.port';
import type { LibraryFingerprint } from './library-fingerprint';

/** The one NOTIFY channel the nodes of a database share. */
export const LIBRARY_CHANNEL = 'face_stream_library';

export interface ReconnectDelays {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_DELAYS: ReconnectDelays = { initialMs: 250, maxMs: 10_000 };

/** library-fingerprint.ts in SQL: one pass over people and one over the model's samples (its index), no embedding read. */
const FINGERPRINT_SQL = `
  SELECT
    (SELECT count(*) FROM people)::text AS people,
    (SELECT coalesce(sum(('x' || substr(md5(id::text || ':' || name), 1, 8))::bit(32)::bigint), 0) FROM people)::text AS "nameHash",
    s.samples::text AS samples, s."sampleIdSum"::text AS "sampleIdSum"
  FROM (SELECT count(*) AS samples, coalesce(sum(id), 0) AS "sampleIdSum" FROM face_samples WHERE "modelId" = $1) s`;

/**
 * PostgreSQL LISTEN/NOTIFY. Publishing is one `pg_notify` on the store's own pool; hearing needs
 * a connection of its own, held open for LISTEN. When that connection drops (PostgreSQL
 * restarted, network), it is opened again with capped exponential backoff, forever: the node
 * keeps serving from its in-memory gallery meanwhile and never crashes for it.
 */
export class PgLibraryChanges extends LibraryChangesPort implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LibrarySync');
  private readonly changesSubject = new Subject<LibraryChange>();
  private readonly listeningSubject = new Subject<void>();
  readonly changes$: Observable<LibraryChange> = this.changesSubject.asObservable();
  readonly listening$: Observable<void> = this.listeningSubject.asObservable();
  private client?: Client;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly store: DataSource,
    private readonly databaseUrl: string,
    private readonly nodeName: string,
    private readonly delays: ReconnectDelays = DEFAULT_DELAYS,
  ) {
    super();
  }

  async publish(change: LibraryChange): Promise<void> {
    await this.store.query('SELECT pg_notify($1, $2)', [LIBRARY_CHANNEL, JSON.stringify(change)]);
  }

  async fingerprint(modelId: string): Promise<LibraryFingerprint> {
    const [row] = (await this.store.query(FINGERPRINT_SQL, [modelId])) as Array<Record<keyof LibraryFingerprint, string>>;
    return { people: Number(row.people), nameHash: Number(row.nameHash), samples: Number(row.samples), sampleIdSum: Number(row.sampleIdSum) };
  }

  onApplicationBootstrap(): void {
    void this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.changesSubject.complete();
    this.listeningSubject.complete();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    // TCP keepalive probes after 10 s idle: a connection cut without a goodbye (a dead network) is noticed too, not only a server that closes it.
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: `face-stream listener ${this.nodeName}`.slice(0, 63),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    // 'error' and 'end' both come when the server goes away: react once per connection.
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      this.scheduleRetry(err);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel !== LIBRARY_CHANNEL) return;
      const change = parseLibraryChange(message.payload);
      if (change) this.changesSubject.next(change);
      else this.logger.warn(`ignored a malformed library notification: ${String(message.payload).slice(0, 200)}`);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIBRARY_CHANNEL}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost || this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures > 0) this.logger.log(`listening for library changes again after ${this.failures} failed attempt(s)`);
    this.failures = 0;
    this.listeningSubject.next();
  }

  private scheduleRetry(err?: unknown): void {
    if (this.stopped) return;
    this.failures++;
    const delay = backoffDelay(this.failures, this.delays.initialMs, this.delays.maxMs);
    this.logger.warn(`library change notifications lost (${err ? describeError(err) : 'connection closed'}); retrying in ${delay} ms`);
    this.retry = setTimeout(() => void this.listen(), delay);
  }
}
