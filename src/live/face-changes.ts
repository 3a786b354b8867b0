/**
 * Which recognised frames change something worth telling (a face named, renamed, or a named
 * face gone): pure, no Nest, no I/O; times are epoch ms. Unknown faces are the inbox's rule.
 */
import type { FaceChangePayload } from '../events/app-events';

/** One face of a recognised frame. */
export interface TrackedFace {
  trackId: number;
  personId: number | null;
  name: string;
  confidence: number;
  similarity: number;
  box: { x: number; y: number; width: number; height: number };
}

interface TrackRecord {
  camera: string;
  face: TrackedFace;
  lastSeen: number;
}

export type FaceChange = Omit<FaceChangePayload, 'unknownFaceId'>;

/**
 * The tracks in view per camera. A track's name is announced when it is first named, a change
 * of person (or back to Unknown) as a rename, and a named track absent for `leftAfterMs` as
 * gone. A rename of the person in the library (same person id) is not a change of the track.
 */
export class FaceChangeBook {
  private readonly tracks = new Map<number, TrackRecord>();

  constructor(private readonly leftAfterMs: number) {
    if (!(leftAfterMs > 0)) throw new RangeError('leftAfterMs must be > 0');
  }

  /** The faces of one recognised frame of `camera`; also ends that camera's tracks gone for too long. */
  observe(camera: string, at: number, faces: readonly TrackedFace[]): FaceChange[] {
    const changes: FaceChange[] = [];
    for (const face of faces) {
      const record = this.tracks.get(face.trackId);
      if (!record) {
        if (face.personId !== null) changes.push(change('recognised', camera, at, face));
      } else if (record.face.personId !== face.personId) {
        const before = record.face;
        if (before.personId === null) changes.push(change('recognised', camera, at, face));
        else changes.push({ ...change('renamed', camera, at, face), previous: { personId: before.personId, name: before.name } });
      }
      this.tracks.set(face.trackId, { camera, face, lastSeen: at });
    }
    changes.push(...this.expire(at, camera));
    return changes;
  }

  /** Ends the tracks (of one camera, or all) not seen for `leftAfterMs` before `at`. */
  expire(at: number, camera?: string): FaceChange[] {
    const changes: FaceChange[] = [];
    for (const [trackId, record] of this.tracks) {
      if ((camera !== undefined && record.camera !== camera) || at - record.lastSeen < this.leftAfterMs) continue;
      this.tracks.delete(trackId);
      if (record.face.personId !== null) changes.push(change('left', record.camera, at, record.face));
    }
    return changes;
  }

  get tracked(): number {
    return this.tracks.size;
  }
}

function change(type: FaceChange['type'], camera: string, at: number, face: TrackedFace): FaceChange {
  return {
    type,
    camera,
    trackId: face.trackId,
    personId: face.personId,
    name: face.name,
    confidence: Math.round(face.confidence * 10) / 10,
    similarity: Math.round(face.similarity * 1000) / 1000,
    box: { x: Math.round(face.box.x), y: Math.round(face.box.y), width: Math.round(face.box.width), height: Math.round(face.box.height) },
    at: new Date(at).toISOString(),
  };
}
