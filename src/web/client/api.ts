/** The REST API as the page uses it: the session cookie goes along by itself; readable errors; 401 → the login page. */

/** Sends the browser to the login page, which brings it back here afterwards. */
export function signIn(): void {
  const next = `${location.pathname}${location.search}${location.hash}`;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/** An error answer of the API, with its message made readable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  message?: string | string[];
  error?: string;
}

function readable(status: number, body: ErrorBody | null): string {
  if (status === 401) return 'You are not signed in (or the session has ended): sign in again.';
  if (status === 403) return 'Only an admin can do this: sign in with the admin key.';
  if (status === 429) return 'Too many requests: wait a moment and try again.';
  const message = Array.isArray(body?.message) ? body!.message.join('; ') : body?.message;
  if (message) return message.charAt(0).toUpperCase() + message.slice(1);
  return `The server answered ${status}${body?.error ? ` (${body.error})` : ''}.`;
}

export async function api<T>(method: string, path: string, body?: FormData | object): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check that it is running.');
  }
  if (response.status === 401) signIn();
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) throw new ApiError(response.status, readable(response.status, parsed as ErrorBody | null));
  return parsed as T;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Shapes of the API's answers (see /docs).
export interface Session {
  role: 'admin' | 'viewer' | 'link' | 'metrics' | 'anonymous';
  via: string;
  publicReads: boolean;
  expiresAt?: string;
}
export interface FaceQuality {
  size: number;
  sharpness: number;
  pose: number;
  overall: number;
}
export interface FaceSample {
  id: number;
  thumbnailUrl: string;
  quality: FaceQuality | null;
}
export interface Suggestion {
  id: number;
  personId: number;
  camera: string;
  seenAt: string;
  similarity: number;
  quality: FaceQuality;
  thumbnailUrl: string;
}
export interface Person {
  id: number;
  name: string;
  faces: FaceSample[];
}
export interface Sighting {
  id: number;
  personId: number;
  personName: string;
  camera: string;
  firstSeen: string;
  lastSeen: string;
  bestConfidence: number;
  ongoing: boolean;
  thumbnailUrl: string;
}
export interface MatchedSample {
  personId: number;
  sampleId: number;
  similarity: number;
  thumbnailUrl: string;
}
export interface SightingEvidence extends Sighting {
  matchedSample: MatchedSample | null;
}
export interface SightingCorrection {
  sighting: Sighting | null;
  unknownFaceId: number | null;
  matchedSample: MatchedSample | null;
}
export interface UnknownFace {
  id: number;
  camera: string;
  firstSeen: string;
  lastSeen: string;
  appearances: number;
  thumbnailUrl: string;
}
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  pages: number;
}
export interface LiveFace {
  trackId: number;
  name: string;
  personId: number | null;
  confidence: number;
  since: string;
  box: [number, number, number, number];
}
export interface LiveFaces {
  /** The camera these faces are in view of (absent from a single-camera server's payloads). */
  camera?: string;
  at: string;
  frameWidth: number;
  frameHeight: number;
  faces: LiveFace[];
}
/** A camera's state: 'disabled' when configured but switched off. */
export type CameraState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'stopped' | 'disabled';
export interface CameraFace {
  trackId: number;
  name: string;
  personId: number | null;
  confidence: number;
}
export interface Camera {
  name: string;
  source: string;
  enabled: boolean;
  overrides: Record<string, unknown>;
  state: CameraState | string;
  width: number;
  height: number;
  fps: number;
  viewers: number;
  faces: CameraFace[];
  streamUrl: string;
  snapshotUrl: string;
}
export interface StatsSample {
  at: number;
  fps: number;
  latencyMs: number | null;
  facesPerSecond: number;
}
