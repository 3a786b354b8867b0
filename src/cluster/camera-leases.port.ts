import type { Lease } from './lease-plan';

/** A node as the others see it. */
export interface ClusterNode {
  /** NODE_NAME. */
  name: string;
  /** NODE_URL. */
  url: string;
}

/** How a camera is doing on the node that runs it: written with each renewal, for the other nodes' listings. */
export interface CameraRun {
  state: string;
  fps: number;
  viewers: number;
  width: number;
  height: number;
}

export type LeaseRow = Lease & CameraRun;

/** One heartbeat's view of the cluster, times on the database's clock. */
export interface ClusterView {
  now: number;
  /** Nodes that beat within the lease time (this one included). */
  nodes: ClusterNode[];
  leases: LeaseRow[];
}

/**
 * The shared table of nodes and camera leases. Every write is one atomic statement, so two
 * nodes never hold one camera; times come from the database's clock, so nodes' clocks may differ.
 */
export abstract class CameraLeasesPort {
  /** Records that this node is alive (now) and reads the nodes alive within `aliveWithinMs` and every lease. */
  abstract heartbeat(node: ClusterNode, aliveWithinMs: number): Promise<ClusterView>;
  /** Takes a free or expired lease, or renews this node's own, for `ttlMs` from now; false when another node holds it. */
  abstract acquire(camera: string, node: string, ttlMs: number, run: CameraRun): Promise<boolean>;
  /** Gives up this node's lease (no-op when it holds none). */
  abstract release(camera: string, node: string): Promise<void>;
  /** Removes this node from the live nodes (a clean shutdown: the others recount their shares at once). */
  abstract leave(node: string): Promise<void>;
}
