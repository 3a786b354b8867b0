import { Injectable } from '@nestjs/common';

/** A camera another node runs, as its lease row tells: where, and how it is doing (as of its last renewal). */
export interface RemoteCamera {
  /** The owner's NODE_NAME. */
  node: string;
  /** The owner's NODE_URL: its stream, snapshot and counters are fetched there. */
  url: string;
  state: string;
  fps: number;
  viewers: number;
  width: number;
  height: number;
}

/**
 * Which cameras run on other nodes (several nodes on one PostgreSQL). Written by the lease keeper
 * at each heartbeat, read by the cameras API to list and proxy them; always empty on one node.
 */
@Injectable()
export class CameraLocations {
  private remote = new Map<string, RemoteCamera>();

  /** Replaces the whole picture (one heartbeat's view). */
  set(remote: ReadonlyMap<string, RemoteCamera>): void {
    this.remote = new Map(remote);
  }

  /** The node running `camera` when it is not this one. */
  of(camera: string): RemoteCamera | undefined {
    return this.remote.get(camera);
  }
}
