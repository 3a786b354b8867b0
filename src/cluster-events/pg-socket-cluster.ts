import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Client, type ClientConfig, Pool, type QueryResult } from 'pg';
import type { ServerOptions } from 'socket.io';
import { describeError } from '../common/worker-rpc';
import { gateBroadcasts, type ForwardRule } from './gated-broadcasts';
import { SocketCluster } from './socket-cluster';

/** The table where the adapter puts messages over PostgreSQL's 8000-byte NOTIFY limit (created by a migration, see the README). */
export const ATTACHMENTS_TABLE = 'socket_io_attachments';
/** Publishes waiting for the one connection beyond this many are dropped: PostgreSQL slow or away must not grow memory. */
const MAX_WAITING_PUBLISHES = 200;
/** At most one log line about failed publishes per this long. */
const FAILURE_REPORT_MS = 30_000;
const UNDEFINED_TABLE = '42P01';

export interface PgSocketClusterOptions {
  databaseUrl: string;
  nodeName: string;
  forwards: ForwardRule;
}

/**
 * The nodes' Socket.IO servers joined through PostgreSQL (@socket.io/postgres-adapter: NOTIFY on
 * `socket.io#/`, one LISTEN connection per node). Its own connections, not the store's pool:
 * one for publishing (in order; notifications need no durable commit, so synchronous_commit is
 * off) and one for listening, reopened by the adapter every ~2 s while PostgreSQL is away. The
 * adapter takes any object with `query` and `connect`; what it is given here makes both safe
 * across a PostgreSQL restart (see listeningClient).
 */
export class PgSocketCluster extends SocketCluster implements OnApplicationShutdown {
  private readonly logger = new Logger('SocketCluster');
  private readonly pool: Pool;
  private readonly connection: ClientConfig;
  private listener?: Client;
  private closing = false;
  /** Whether a listening connection was ever open (a later one is a reconnection). */
  private listened = false;
  private missingTableTold = false;
  private failures = { count: 0, lastReport: 0 };
  readonly adapter: ServerOptions['adapter'];
  readonly shared = true;

  constructor(private readonly options: PgSocketClusterOptions) {
    super();
    this.connection = {
      connectionString: options.databaseUrl,
      application_name: `face-stream socket.io ${options.nodeName}`.slice(0, 63),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      options: '-c synchronous_commit=off',
    };
    this.pool = new Pool({ ...this.connection, max: 1, idleTimeoutMillis: 60_000 });
    // An idle connection that PostgreSQL closes: the pool drops it and opens another when needed.
    this.pool.on('error', (err) => this.failed(err));
    const makeAdapter = createAdapter(this.pg() as unknown as Pool, { errorHandler: (err) => this.failed(err), tableName: ATTACHMENTS_TABLE });
    const report = (err: unknown) => this.failed(err);
    // Socket.IO calls it with `new`: a function (not an arrow) that returns the adapter.
    this.adapter = function gatedAdapter(nsp: unknown) {
      return gateBroadcasts(makeAdapter(nsp), options.forwards, report);
    } as unknown as ServerOptions['adapter'];
  }

  async onApplicationShutdown(): Promise<void> {
    // After the Socket.IO server has closed (Nest disposes of it before the shutdown hooks).
    this.closing = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** What the adapter uses as its pool. */
  private pg(): { query(text: string, values?: unknown[]): Promise<QueryResult>; connect(): Promise<Client> } {
    return {
      query: (text, values) =>
        this.pool.waitingCount >= MAX_WAITING_PUBLISHES ? Promise.reject(new Error(`${MAX_WAITING_PUBLISHES} events waiting for PostgreSQL: dropped`)) : this.pool.query(text, values),
      connect: () => this.listeningClient(),
    };
  }

  /**
   * A connection of its own for LISTEN, closed by the adapter's `release()`. A pooled one would not
   * do: a client checked out of a pg Pool has no 'error' listener (PostgreSQL going away would
   * crash the process), and the adapter never gives back one that ended (the pool would run dry
   * after a few restarts). The adapter asks for a new one only when it considers the last one
   * lost, so a previous one still open is closed quietly: never two listeners, never an event twice.
   */
  private async listeningClient(): Promise<Client> {
    if (this.closing) throw new Error('shutting down');
    const previous = this.listener;
    if (previous) {
      previous.removeAllListeners('end');
      previous.removeAllListeners('notification');
      previous.end().catch(() => undefined);
    }
    const client = new Client(this.connection);
    this.listener = client;
    let connected = false;
    client.on('error', (err) => this.failed(err));
    client.on('end', () => connected && !this.closing && this.logger.warn("lost the connection that hears the other nodes' Socket.IO events; reopening it"));
    try {
      await client.connect();
    } catch (err) {
      client.end().catch(() => undefined);
      throw err;
    }
    connected = true;
    if (this.listened) this.logger.log("hearing the other nodes' Socket.IO events again");
    this.listened = true;
    return Object.assign(client, { release: () => void client.end().catch(() => undefined) });
  }

  /** Failed publishes and connections: logged, never thrown (the event still reached this node's own clients). */
  private failed(err: unknown): void {
    if (this.closing) return;
    if ((err as { code?: unknown } | undefined)?.code === UNDEFINED_TABLE) {
      // Also the adapter's cleanup every 30 s: said once, not every time.
      if (!this.missingTableTold) this.logger.warn(`the table ${ATTACHMENTS_TABLE} is missing: Socket.IO events over 8000 bytes are not sent to other nodes`);
      this.missingTableTold = true;
      return;
    }
    const message = describeError(err);
    this.failures.count++;
    const now = Date.now();
    if (now - this.failures.lastReport < FAILURE_REPORT_MS) return;
    this.logger.warn(`Socket.IO events across nodes: ${this.failures.count} failure(s) since the last report, the latest: ${message}`);
    this.failures = { count: 0, lastReport: now };
  }
}
