/**
 * Which Socket.IO events a node sends on to the other nodes sharing its PostgreSQL. Every event
 * reaches this node's own clients at once; across nodes, each one is a NOTIFY (a committed
 * transaction, ~40 bytes of WAL, delivered to every node), so the events sent for every
 * recognised frame of a camera (about 12 a second each) go on only when who is in view changed,
 * and otherwise at most `perSecond` times a second per camera. Everything else (sightings, the
 * inbox, camera states, a camera's figures once a second) always goes on.
 */
export interface CrossNodeGateOptions {
  /** The names of the per-frame events. */
  frameEvents: ReadonlySet<string>;
  /** Per camera and event, frames sent on when nothing changed (0: only changes). */
  perSecond: number;
  /** A change is sent on at once, but not more often than this (a face flickering in and out of detection). */
  changeGapMs?: number;
}

const DEFAULT_CHANGE_GAP_MS = 100;

interface LastForwarded {
  at: number;
  inView: string;
}

export class CrossNodeGate {
  private readonly last = new Map<string, LastForwarded>();
  private readonly periodMs: number;
  private readonly changeGapMs: number;

  constructor(private readonly options: CrossNodeGateOptions) {
    this.periodMs = options.perSecond > 0 ? 1000 / options.perSecond : Infinity;
    this.changeGapMs = Math.min(options.changeGapMs ?? DEFAULT_CHANGE_GAP_MS, this.periodMs);
  }

  /** Whether this event, emitted on this node at `now` (ms), goes to the other nodes too. */
  forwards(event: string, payload: unknown, now: number): boolean {
    if (!this.options.frameEvents.has(event)) return true;
    const { camera, faces } = (payload ?? {}) as { camera?: unknown; faces?: unknown };
    // Not the shape of a frame event: nothing to thin out by.
    if (typeof camera !== 'string' || !Array.isArray(faces)) return true;
    const key = `${event}\n${camera}`;
    const inView = whoIsInView(faces);
    const previous = this.last.get(key);
    const since = previous ? now - previous.at : Infinity;
    const periodic = since >= this.periodMs;
    const due = periodic || (previous?.inView !== inView && since >= this.changeGapMs);
    // On schedule, the next is due one period after this slot (not after this frame): perSecond on average, whatever the frame rate.
    if (due) this.last.set(key, { at: periodic && since < 2 * this.periodMs ? previous!.at + this.periodMs : now, inView });
    return due;
  }
}

/** Who is in a frame event's faces, in a comparable form: each face's track (when given) and person or name. */
export function whoIsInView(faces: readonly unknown[]): string {
  return faces
    .map((face) => {
      const { trackId, personId, name } = (face ?? {}) as { trackId?: unknown; personId?: unknown; name?: unknown };
      return `${trackId ?? ''}:${personId ?? name ?? ''}`;
    })
    .sort()
    .join(',');
}
