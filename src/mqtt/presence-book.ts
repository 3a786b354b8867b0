/** Who is where, for the retained per-person and per-camera topics: pure, no I/O; times in epoch ms. */

export interface PersonPresence {
  personId: number;
  present: boolean;
  /** The camera that saw them last (kept after they left). */
  camera: string | null;
  lastSeen: number | null;
}

export interface PresenceOptions {
  /** Present until nobody has seen them for this long. */
  timeoutMs: number;
  /** While present, `lastSeen` is republished at most this often. */
  refreshMs: number;
  /** A person seen by two cameras stays on the current one while it saw them within this time. */
  stickMs: number;
}

/**
 * Per-person presence over every camera. Changes are returned for publishing: arrival, a move
 * to another camera, a `lastSeen` older than `refreshMs`, and departure after `timeoutMs`.
 */
export class PresenceBook {
  /** `seenOnCamera`: when `camera` last saw them; `published`: when this person's message last went out. */
  private readonly people = new Map<number, PersonPresence & { seenOnCamera: number; published: number }>();

  constructor(private readonly options: PresenceOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
  }

  /** The people named on one recognised frame of `camera`. */
  observe(camera: string, at: number, personIds: Iterable<number>): PersonPresence[] {
    const changed: PersonPresence[] = [];
    for (const personId of new Set(personIds)) {
      const entry = this.people.get(personId);
      if (!entry || !entry.present) {
        const fresh = { personId, present: true, camera, lastSeen: at, seenOnCamera: at, published: at };
        this.people.set(personId, fresh);
        changed.push(snapshot(fresh));
        continue;
      }
      const moved = entry.camera !== camera && at - entry.seenOnCamera >= this.options.stickMs;
      entry.lastSeen = Math.max(entry.lastSeen ?? at, at);
      if (entry.camera === camera || moved) entry.seenOnCamera = at;
      if (moved) entry.camera = camera;
      if (moved || at - entry.published >= this.options.refreshMs) {
        entry.published = at;
        changed.push(snapshot(entry));
      }
    }
    return changed;
  }

  /** People not seen for `timeoutMs`: now absent. */
  expire(at: number): PersonPresence[] {
    const gone: PersonPresence[] = [];
    for (const entry of this.people.values()) {
      if (entry.present && at - (entry.lastSeen ?? at) >= this.options.timeoutMs) {
        entry.present = false;
        entry.published = at;
        gone.push(snapshot(entry));
      }
    }
    return gone;
  }

  /** A person's presence (absent and never seen when unknown here). */
  of(personId: number): PersonPresence {
    const entry = this.people.get(personId);
    return entry ? snapshot(entry) : { personId, present: false, camera: null, lastSeen: null };
  }

  forget(personId: number): void {
    this.people.delete(personId);
  }
}

function snapshot(entry: PersonPresence): PersonPresence {
  return { personId: entry.personId, present: entry.present, camera: entry.camera, lastSeen: entry.lastSeen };
}

/** `<prefix>/people/<id>`: a person's presence, with their current name. */
export function toPresenceMessage(presence: PersonPresence, name: string) {
  return {
    personId: presence.personId,
    name,
    present: presence.present,
    camera: presence.camera,
    lastSeen: presence.lastSeen === null ? null : new Date(presence.lastSeen).toISOString(),
  };
}

/** What a camera has in view: the named people (by id, sorted) and the number of faces. */
export interface CameraView {
  people: Array<{ personId: number; name: string }>;
  count: number;
}

export function cameraViewOf(faces: ReadonlyArray<{ personId: number | null; name: string }>): CameraView {
  const people = new Map<number, string>();
  for (const face of faces) if (face.personId !== null) people.set(face.personId, face.name);
  return {
    people: [...people].sort(([a], [b]) => a - b).map(([personId, name]) => ({ personId, name })),
    count: faces.length,
  };
}
