import { Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { SocketCluster } from '../cluster-events/socket-cluster';
import { EventBus } from '../events/event-bus';
import type { PresentFace, StatsSample } from './presence';

/** Socket.IO events of the web console (payloads documented in the README). */
export const CONSOLE_EVENTS = {
  /** The faces in view after every recognised frame: LiveFacesPayload. */
  faces: 'faces',
  /** Pipeline figures per camera: the last minute on connection, then one sample a second: { camera, samples: StatsSample[] }. */
  stats: 'stats',
  /** A sighting started, was updated with a better view, or ended: SightingDto. */
  sighting: 'sighting',
  /** The unknown-faces inbox changed: { id, change: 'added' | 'grouped' | 'removed' }. */
  unknownFaces: 'unknown-faces',
  /** A camera's state changed: { camera, state, previous }. */
  cameraState: 'camera-state',
  /** A camera was added, changed or removed: { name, change }. */
  cameras: 'cameras',
} as const;

/** Server-side, between nodes sharing a store: "a client (this socket id) connected to me, send it your cameras' snapshot". */
const SNAPSHOT_REQUEST = 'console-snapshot';

export interface LiveFacesPayload {
  camera: string;
  at: string;
  frameWidth: number;
  frameHeight: number;
  faces: Array<{ trackId: number; name: string; personId: number | null; confidence: number; since: string; box: [number, number, number, number] }>;
}

export function toLiveFacesPayload(camera: string, at: number, frameWidth: number, frameHeight: number, faces: readonly PresentFace[]): LiveFacesPayload {
  return {
    camera,
    at: new Date(at).toISOString(),
    frameWidth,
    frameHeight,
    faces: faces.map((face) => ({
      trackId: face.trackId,
      name: face.name,
      personId: face.personId,
      confidence: Math.round(face.confidence * 10) / 10,
      since: new Date(face.since).toISOString(),
      box: [face.box.x, face.box.y, face.box.width, face.box.height].map(Math.round) as [number, number, number, number],
    })),
  };
}

/**
 * The console's push channel (same Socket.IO server and namespace as the "recognition" event).
 * A client that connects gets the current faces and the last minute of figures at once: of this
 * node's cameras from here, of the other nodes' (sharing a PostgreSQL store) from each of them.
 */
@WebSocketGateway() // CORS and access: SocketAccessAdapter (CORS_ORIGINS, the handshake's credentials)
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() server?: Server;
  /** The newest faces payload of each camera, for clients that connect later. */
  private readonly lastFaces = new Map<string, LiveFacesPayload>();
  private statsHistory: () => Array<{ camera: string; samples: StatsSample[] }> = () => [];
  private subscriptions: Array<{ unsubscribe(): void }> = [];

  constructor(
    private readonly events: EventBus,
    @Optional() private readonly cluster?: SocketCluster,
  ) {}

  afterInit(server: Server): void {
    // Another node's client connected: it gets this node's cameras from here (through the adapter, to its socket).
    if (this.cluster?.shared) server.on(SNAPSHOT_REQUEST, (socketId: unknown) => typeof socketId === 'string' && this.sendSnapshot(server.to(socketId)));
  }

  /** The recorders' and cameras' events, relayed from the event bus. */
  onModuleInit(): void {
    this.subscriptions.push(
      this.events.subscribe('sighting.changed', (sighting) => this.broadcast(CONSOLE_EVENTS.sighting, sighting)),
      this.events.subscribe('unknown-face.changed', (change) => this.broadcast(CONSOLE_EVENTS.unknownFaces, change)),
      this.events.subscribe('camera.state', ({ camera, state, previous }) => this.broadcast(CONSOLE_EVENTS.cameraState, { camera, state, previous })),
      this.events.subscribe('camera.changed', ({ camera, change, origin }) => {
        if (change === 'removed') this.lastFaces.delete(camera);
        // Only the node where a change was made tells the clients (of every node, through the adapter).
        if (origin !== 'store') this.broadcast(CONSOLE_EVENTS.cameras, { name: camera, change });
      }),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Set by LiveFacesService: what a newly connected client gets. */
  provideHistory(history: () => Array<{ camera: string; samples: StatsSample[] }>): void {
    this.statsHistory = history;
  }

  handleConnection(client: Socket): void {
    this.sendSnapshot(client);
    if (this.cluster?.shared) {
      try {
        this.server?.serverSideEmit(SNAPSHOT_REQUEST, client.id);
      } catch (err) {
        this.logger.warn(`could not ask the other nodes for their cameras' snapshot: ${err}`);
      }
    }
  }

  private sendSnapshot(to: { emit(event: string, payload: unknown): unknown }): void {
    for (const faces of this.lastFaces.values()) to.emit(CONSOLE_EVENTS.faces, faces);
    for (const payload of this.statsHistory()) to.emit(CONSOLE_EVENTS.stats, payload);
  }

  faces(payload: LiveFacesPayload): void {
    this.lastFaces.set(payload.camera, payload);
    this.server?.emit(CONSOLE_EVENTS.faces, payload);
  }

  broadcast(event: string, payload: unknown): void {
    try {
      this.server?.emit(event, payload);
    } catch (err) {
      this.logger.warn(`could not emit "${event}": ${err}`);
    }
  }
}
