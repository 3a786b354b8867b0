/**
 * Which cameras this node takes, keeps and gives up, from the shared lease table. Pure: no Nest,
 * no database; times are the database's epoch ms (one clock for every node).
 *
 * Rules: a camera pinned to a node runs only there; the other enabled cameras are shared out so
 * that no live node holds more than ceil(cameras / live nodes) of them; a node above its share
 * releases the extra (another node, below its share, takes them). A lease still running on
 * another node is never taken, even if that node seems dead: it expires first.
 */

/** A camera as far as placement is concerned. */
export interface PlacedCamera {
  name: string;
  enabled: boolean;
  /** The node it is pinned to; undefined: any node. */
  node?: string;
}

export interface Lease {
  camera: string;
  node: string;
  /** Epoch ms (database clock). */
  expiresAt: number;
}

export interface LeaseSituation {
  /** This node's name. */
  me: string;
  /** Epoch ms (database clock). */
  now: number;
  cameras: readonly PlacedCamera[];
  leases: readonly Lease[];
  /** Nodes whose heartbeat is recent (this one included or not: it is added). */
  liveNodes: readonly string[];
}

export interface LeasePlan {
  /** Free cameras to lease and start. */
  take: string[];
  /** Cameras this node holds and goes on running (renew). */
  keep: string[];
  /** Cameras this node holds and must stop (then give up the lease): pinned elsewhere, disabled, removed, or above its share. */
  release: string[];
}

export function planLeases(s: LeaseSituation): LeasePlan {
  const active = new Map(s.leases.filter((lease) => lease.expiresAt > s.now).map((lease) => [lease.camera, lease]));
  const cameras = new Map(s.cameras.map((camera) => [camera.name, camera]));
  const live = [...new Set([...s.liveNodes, s.me])].sort();
  const runsHere = (camera: PlacedCamera) => camera.enabled && (camera.node === undefined || camera.node === s.me);

  const release: string[] = [];
  const keep: string[] = [];
  for (const lease of active.values()) {
    if (lease.node !== s.me) continue;
    const camera = cameras.get(lease.camera);
    (camera && runsHere(camera) ? keep : release).push(lease.camera);
  }

  const take = s.cameras.filter((camera) => camera.enabled && camera.node === s.me && !active.has(camera.name)).map((camera) => camera.name);

  // The shared (unpinned) cameras: at most `share` each.
  const shared = s.cameras.filter((camera) => camera.enabled && camera.node === undefined).map((camera) => camera.name);
  const share = Math.ceil(shared.length / live.length);
  const mineShared = keep.filter((name) => cameras.get(name)!.node === undefined).sort();
  for (const extra of mineShared.slice(share)) {
    keep.splice(keep.indexOf(extra), 1);
    release.push(extra);
  }
  // Nodes starting together would all reach for the same first free camera: each starts at its own offset.
  const free = shared.filter((name) => !active.has(name)).sort();
  const offset = free.length > 0 ? (live.indexOf(s.me) * share) % free.length : 0;
  const rotated = [...free.slice(offset), ...free.slice(0, offset)];
  take.push(...rotated.slice(0, Math.max(0, share - mineShared.length)));

  return { take, keep: keep.sort(), release: release.sort() };
}
