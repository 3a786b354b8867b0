import type { CameraState } from '../camera/camera-capture';
import type { FrameObservation, RecognitionEvent } from '../stream/stream.types';

/** What a sighting event says: a sighting as GET /sightings lists it. */
export interface SightingEventPayload {
  id: number;
  camera: string;
  personId: number;
  personName: string;
  firstSeen: string;
  lastSeen: string;
  bestConfidence: number;
  ongoing: boolean;
  thumbnailUrl: string;
}

/** A change of one tracked face on a camera (not per frame): for channels that report changes, like MQTT. */
export interface FaceChangePayload {
  /**
   * `recognised`: a tracked face got a name (as it appeared, or later); `renamed`: a named track's
   * name changed (to another person or to Unknown); `left`: a named face left the view;
   * `unknown`: a face stayed Unknown long enough to be kept in the unknown-faces inbox.
   */
  type: 'recognised' | 'renamed' | 'left' | 'unknown';
  camera: string;
  trackId: number;
  personId: number | null;
  /** The name shown, or "Unknown". */
  name: string;
  /** For `renamed`: who the track was before. */
  previous?: { personId: number | null; name: string };
  /** Percentage for the shown name, as on the stream. */
  confidence: number;
  /** Cosine similarity to the best enrolled match. */
  similarity: number;
  /** In frame pixels, rounded. */
  box: { x: number; y: number; width: number; height: number };
  /** When it happened (ISO 8601). */
  at: string;
  /** For `unknown`: the inbox entry the face was kept in. */
  unknownFaceId?: number;
}

/**
 * Everything that happens, in one typed map: every channel (Socket.IO, recorders, MQTT)
 * subscribes here instead of being called by whoever noticed. Payloads always name the camera
 * where one is involved.
 */
export interface AppEvents {
  /** A camera's frame went through recognition (the public payload of Socket.IO "recognition"). */
  'frame.recognized': RecognitionEvent;
  /** The same with the frame's pixels and embeddings, for in-process recorders only (never sent out). */
  'frame.observed': FrameObservation;
  /** A camera's capture changed state. */
  'camera.state': { camera: string; state: CameraState | 'disabled'; previous: CameraState | 'disabled'; lastError?: string };
  /** A camera was added, changed or removed (REST, or at start). */
  'camera.changed': {
    camera: string;
    change: 'added' | 'changed' | 'removed';
    /**
     * `store`: not a change made here but this node learning the stored cameras (at start, or a change
     * another node made, found when re-reading the table). That node told every node's clients already.
     */
    origin?: 'store';
  };
  /** A sighting started, got a better view, or ended. */
  'sighting.changed': SightingEventPayload;
  /** A tracked face was named, renamed or left, or stayed Unknown (see FaceChangePayload). */
  'face.changed': FaceChangePayload;
  /**
   * Someone was enrolled (a new person), renamed, or deleted. On 'removed' every stored trace is
   * gone already (rows committed in one transaction, files being deleted): channels that keep their
   * own copy (retained MQTT state, caches) clear theirs.
   */
  'person.changed': {
    personId: number;
    name: string;
    change: 'added' | 'renamed' | 'removed';
    /**
     * NODE_NAME of the node that made the change, when it was another one sharing the store (absent for
     * this node's own); `resync` for an erasure this node found only by reloading its gallery.
     */
    origin?: string;
  };
  /** A face was added to, or removed from, a person enrolled before (committed; the gallery holds it already). */
  'person.faces-changed': { personId: number };
  /**
   * A request to an admin route (a change, or an admin-only read) was refused: 401 (no or bad
   * credentials) or 403 (a viewer, a stream link, another site's page). For the audit log.
   */
  'access.refused': { method: string; route: string; path: string; status: 401 | 403; role: string; ip: string };
  /** The unknown-faces inbox changed. */
  'unknown-face.changed': { id: number; change: 'added' | 'grouped' | 'removed'; camera?: string };
}

export type AppEventName = keyof AppEvents;
