import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dialectOf } from '../database/store-options';
import { CONSOLE_EVENTS } from '../live/live.gateway';
import { RECOGNITION_EVENT } from '../stream/events.gateway';
import { CrossNodeGate } from './cross-node-gate';
import { PgSocketCluster } from './pg-socket-cluster';
import { SingleNodeSockets, SocketCluster } from './socket-cluster';

/** The Socket.IO events sent for every recognised frame of a camera. */
const FRAME_EVENTS: ReadonlySet<string> = new Set([RECOGNITION_EVENT, CONSOLE_EVENTS.faces]);

/** Several nodes on one PostgreSQL store: each one's Socket.IO clients get the events of every node's cameras (nothing changes on SQLite). */
@Module({
  providers: [
    {
      provide: SocketCluster,
      inject: [DataSource, ConfigService],
      useFactory: (store: DataSource, config: ConfigService<AppConfig, true>): SocketCluster => {
        if (dialectOf(store) !== 'postgres') return new SingleNodeSockets();
        const gate = new CrossNodeGate({ frameEvents: FRAME_EVENTS, perSecond: config.get('CLUSTER_FRAME_EVENTS_PER_S', { infer: true }) });
        return new PgSocketCluster({
          databaseUrl: config.get('DATABASE_URL', { infer: true })!,
          nodeName: config.get('NODE_NAME', { infer: true }),
          forwards: (event, payload) => gate.forwards(event, payload, Date.now()),
        });
      },
    },
  ],
  exports: [SocketCluster],
})
export class ClusterEventsModule {}
