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

/**
 * Everything that happens, in one typed map: every channel (Socket.IO, recorders, later MQTT)
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
  'camera.changed': { camera: string; change: 'added' | 'changed' | 'removed' };
  /** A sighting started, got a better view, or ended. */
  'sighting.changed': SightingEventPayload;
  /**
   * A person was enrolled, changed (renamed, a face added or removed) or removed. On 'removed'
   * every stored trace is gone already (rows committed, files being deleted): channels that keep
   * their own copy (retained MQTT state, caches) clear theirs.
   */
  'person.changed': { personId: number; name: string; change: 'added' | 'changed' | 'removed' };
  /** The unknown-faces inbox changed. */
  'unknown-face.changed': { id: number; change: 'added' | 'grouped' | 'removed'; camera?: string };
}

export type AppEventName = keyof AppEvents;
