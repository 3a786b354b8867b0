import type { ServerOptions } from 'socket.io';

/**
 * How this node's Socket.IO server reaches the clients of the other nodes sharing its store.
 * The access adapter (src/auth/socket-access.adapter.ts) gives `adapter` to the server it creates.
 */
export abstract class SocketCluster {
  /** The Socket.IO adapter; undefined: Socket.IO's own in-memory one (one node, its own clients). */
  abstract readonly adapter: ServerOptions['adapter'] | undefined;
  /** Whether other nodes share this node's Socket.IO (server-side emits reach them). */
  abstract readonly shared: boolean;
}

/** One node on its own store (SQLite): every event stays in this process, as before. */
export class SingleNodeSockets extends SocketCluster {
  readonly adapter = undefined;
  readonly shared = false;
}
