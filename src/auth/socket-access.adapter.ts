import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import { SOCKET_REQUIREMENT } from './access-rule';
import { AccessService } from './access.service';
import { isForeignOrigin, requestHosts } from './credentials';

type ExtendedError = Error & { data?: unknown };

/**
 * Socket.IO under the same access rule as HTTP: the handshake must come from this site or one of
 * CORS_ORIGINS (refused at the HTTP level otherwise, for polling and WebSocket alike), and carry
 * a key (x-api-key or Authorization header, or `auth: { key }`) or the session cookie, unless
 * PUBLIC_READS. A session's socket is closed when the session expires. Every namespace is covered.
 * With several nodes on one PostgreSQL, the server gets the cluster's adapter (src/cluster-events).
 */
export class SocketAccessAdapter extends IoAdapter {
  private readonly guarded = new WeakSet<object>();

  constructor(
    app: INestApplicationContext,
    private readonly access: AccessService,
    private readonly clusterAdapter?: ServerOptions['adapter'],
  ) {
    super(app);
  }

  override create(port: number, options?: ServerOptions & { namespace?: string; server?: Server }): Server {
    const created = super.create(port, options) as Server | Namespace;
    if (!this.guarded.has(created)) {
      this.guarded.add(created);
      created.use((socket, next) => this.admit(socket, next));
    }
    return created as Server;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.access.corsOrigins;
    return super.createIOServer(port, {
      ...options,
      ...(this.clusterAdapter ? { adapter: this.clusterAdapter } : {}),
      // The gateways' own CORS settings are replaced: CORS_ORIGINS decides, as for HTTP.
      cors: origins === false ? undefined : { origin: origins, credentials: true },
      allowRequest: (request: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        const foreign = isForeignOrigin(request.headers.origin, requestHosts(request.headers), origins);
        callback(foreign ? 'this origin is not allowed' : null, !foreign);
      },
    });
  }

  private admit(socket: Socket, next: (err?: ExtendedError) => void): void {
    const outcome = this.access.check({
      requirement: SOCKET_REQUIREMENT,
      path: '/socket.io',
      headers: socket.handshake.headers,
      auth: socket.handshake.auth as Record<string, unknown>,
    });
    if (!outcome.allow) {
      const error: ExtendedError = new Error(outcome.status === 401 ? 'unauthorized' : 'forbidden');
      error.data = { statusCode: outcome.status, message: outcome.message };
      next(error);
      return;
    }
    socket.data.auth = { role: outcome.caller.role, via: outcome.caller.via };
    if (outcome.expires) {
      // At most ~24 days ahead (a timer's limit): a longer session just reconnects then, with its still valid cookie.
      const timer = setTimeout(() => socket.disconnect(true), Math.min(2 ** 31 - 1, Math.max(0, outcome.expires * 1000 - Date.now())));
      timer.unref();
      socket.once('disconnect', () => clearTimeout(timer));
    }
    next();
  }
}
