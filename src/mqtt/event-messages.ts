/** The JSON published for face changes: pure. See the README's "MQTT and Home Assistant" section for examples. */
import type { FaceChangePayload } from '../events/app-events';

/** One message of `<prefix>/events`. */
export interface EventMessage {
  type: FaceChangePayload['type'];
  camera: string;
  personId: number | null;
  name: string;
  confidence: number;
  similarity: number;
  box: FaceChangePayload['box'];
  trackId: number;
  at: string;
  /** The face as seen on the camera (a sighting's or the inbox entry's thumbnail); null when none is known. */
  thumbnailUrl: string | null;
  previous?: FaceChangePayload['previous'];
  unknownFaceId?: number;
}

/** The event types the per-camera Home Assistant `event` entity knows. */
export const HA_EVENT_TYPES = ['recognised', 'unknown'] as const;

/** Where a face change's thumbnail is served: the sighting's (named faces) or the inbox entry's (unknown faces). */
export function thumbnailPath(change: FaceChangePayload, sightingId: number | null): string | null {
  if (change.type === 'unknown') return change.unknownFaceId !== undefined ? `/unknown-faces/${change.unknownFaceId}/thumbnail` : null;
  return sightingId !== null ? `/sightings/${sightingId}/thumbnail` : null;
}

export function toEventMessage(change: FaceChangePayload, thumbnailUrl: string | null): EventMessage {
  return {
    type: change.type,
    camera: change.camera,
    personId: change.personId,
    name: change.name,
    confidence: change.confidence,
    similarity: change.similarity,
    box: change.box,
    trackId: change.trackId,
    at: change.at,
    thumbnailUrl,
    ...(change.previous ? { previous: change.previous } : {}),
    ...(change.unknownFaceId !== undefined ? { unknownFaceId: change.unknownFaceId } : {}),
  };
}

/** The same for the camera's Home Assistant `event` entity (`event_type` first; the rest become attributes); null for other types. */
export function toHaEvent(message: EventMessage): Record<string, unknown> | null {
  if (!(HA_EVENT_TYPES as readonly string[]).includes(message.type)) return null;
  const { type, ...attributes } = message;
  return { event_type: type, ...attributes };
}

/** `<prefix>/cameras/<camera>/last-recognised`: who was last named there. */
export function toLastRecognised(message: EventMessage): { personId: number | null; name: string; confidence: number; at: string; thumbnailUrl: string | null } {
  return { personId: message.personId, name: message.name, confidence: message.confidence, at: message.at, thumbnailUrl: message.thumbnailUrl };
}
