/**
 * The pure part of the cameras console (no DOM, no imports at run time, unit-tested):
 * routes, the latest faces per camera, state badges, the figures shown from a camera's stats.
 */
import type { Camera, CameraFace, LiveFaces } from './api.js';

// --- routes (the part of the page above People/Unknown faces/Sightings follows the URL's hash)

export type Route =
  /** No hash yet: the grid with several cameras, the one camera's page otherwise. */
  | { kind: 'landing' }
  /** #cameras: the grid of every camera. */
  | { kind: 'grid' }
  /** #cameras/<name>: one camera's page. */
  | { kind: 'camera'; name: string }
  /** #live: the camera page last shown (the first camera at first). */
  | { kind: 'live' }
  /** Any other hash (#people, #sightings…): an anchor further down; the top view stays as it is. */
  | { kind: 'other' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (!path) return { kind: 'landing' };
  if (path === 'cameras' || path === 'cameras/') return { kind: 'grid' };
  if (path === 'live') return { kind: 'live' };
  const match = /^cameras\/(.+)$/.exec(path);
  if (match) {
    try {
      return { kind: 'camera', name: decodeURIComponent(match[1]) };
    } catch {
      return { kind: 'camera', name: match[1] };
    }
  }
  return { kind: 'other' };
}

export function cameraHash(name: string): string {
  return `#cameras/${encodeURIComponent(name)}`;
}

/** What the top of the page shows. */
export type View = { view: 'grid' } | { view: 'camera'; name: string } | { view: 'missing'; name: string };

/**
 * The view for a route, given the cameras and the view shown now (`current`, null before the first).
 * Landing: the grid when there are several cameras (or none), the camera page with exactly one.
 */
export function resolveView(route: Route, cameras: ReadonlyArray<{ name: string }>, current: View | null, lastCamera: string | null): View {
  const exists = (name: string) => cameras.some((camera) => camera.name === name);
  switch (route.kind) {
    case 'grid':
      return { view: 'grid' };
    case 'camera':
      return exists(route.name) ? { view: 'camera', name: route.name } : { view: 'missing', name: route.name };
    case 'live': {
      const name = lastCamera && exists(lastCamera) ? lastCamera : cameras[0]?.name;
      return name === undefined ? { view: 'grid' } : { view: 'camera', name };
    }
    case 'other':
      if (current && (current.view !== 'camera' || exists(current.name))) return current;
      return landingView(cameras);
    case 'landing':
      return landingView(cameras);
  }
}

export function landingView(cameras: ReadonlyArray<{ name: string }>): View {
  return cameras.length === 1 ? { view: 'camera', name: cameras[0].name } : { view: 'grid' };
}

// --- state badges

export type Tone = 'live' | 'warn' | 'down' | 'off';

const STATES: Record<string, { label: string; tone: Tone }> = {
  live: { label: 'Live', tone: 'live' },
  connecting: { label: 'Connecting…', tone: 'warn' },
  reconnecting: { label: 'Reconnecting…', tone: 'down' },
  idle: { label: 'Idle', tone: 'off' },
  ended: { label: 'Ended', tone: 'off' },
  stopped: { label: 'Stopped', tone: 'off' },
  disabled: { label: 'Disabled', tone: 'off' },
};

export function stateBadge(state: string): { label: string; tone: Tone } {
  return STATES[state] ?? { label: state ? state.charAt(0).toUpperCase() + state.slice(1) : 'Unknown', tone: 'off' };
}

/** Whether a camera in this state has (or will soon have) a picture worth streaming. */
export function streamsIn(state: string): boolean {
  return state !== 'disabled' && state !== 'stopped';
}

// --- the faces in view, per camera

/** Faces older than this (no recognised frame since) are no longer shown as in view. */
export const FACES_STALE_MS = 6000;

/**
 * The latest `faces` payload of every camera. A payload without `camera` (a single-camera
 * server) belongs to the default camera.
 */
export class FacesBook {
  private readonly latest = new Map<string, { payload: LiveFaces; receivedAt: number }>();

  constructor(private readonly staleMs = FACES_STALE_MS) {}

  /** Records a payload; returns the camera it belongs to. */
  put(payload: LiveFaces, now: number, defaultCamera: string): string {
    const camera = payload.camera ?? defaultCamera;
    this.latest.set(camera, { payload, receivedAt: now });
    return camera;
  }

  /** The latest payload of a camera, or undefined when there is none or it is stale. */
  get(camera: string, now: number): LiveFaces | undefined {
    const entry = this.latest.get(camera);
    if (!entry) return undefined;
    return now - entry.receivedAt > this.staleMs ? { ...entry.payload, faces: [] } : entry.payload;
  }

  has(camera: string): boolean {
    return this.latest.has(camera);
  }

  /** The camera stopped (or was removed): nobody is in its view any more. */
  clear(camera: string): void {
    this.latest.delete(camera);
  }

  cameras(): string[] {
    return [...this.latest.keys()];
  }
}

/** Known people first (by name), then the unknown faces. */
export function sortFaces<T extends CameraFace>(faces: readonly T[]): T[] {
  return [...faces].sort((a, b) => Number(a.personId === null) - Number(b.personId === null) || a.name.localeCompare(b.name) || a.trackId - b.trackId);
}

/** The faces of a camera for its tile: the latest pushed payload, else the list GET /cameras gave. */
export function tileFaces(book: FacesBook, camera: Pick<Camera, 'name' | 'faces' | 'state'>, now: number): CameraFace[] {
  if (camera.state !== 'live') return [];
  const pushed = book.get(camera.name, now);
  return sortFaces(pushed ? pushed.faces : (camera.faces ?? []));
}

// --- the add-a-camera form

export interface NewCamera {
  name: string;
  source: string;
  enabled: boolean;
}

/**
 * The POST /cameras body from the form's fields. Only emptiness is checked here: the server
 * validates the name and the source, and its message is what the user sees.
 */
export function newCameraBody(fields: { name?: unknown; source?: unknown; enabled?: unknown }): { body: NewCamera } | { error: string } {
  const name = String(fields.name ?? '').trim();
  const source = String(fields.source ?? '').trim();
  if (!name) return { error: 'Enter a name for the camera.' };
  if (!source) return { error: 'Enter the camera’s source: a device index, a file path or a URL.' };
  const enabled = fields.enabled === true || fields.enabled === 'on' || fields.enabled === 'true';
  return { body: { name, source, enabled } };
}

// --- a camera's stats (GET /cameras/<name>/stats), whatever its nesting

const FIGURES: ReadonlyArray<[key: string, label: string]> = [
  ['state', 'State'],
  ['fps', 'Source fps'],
  ['viewers', 'Viewers now'],
  ['framesCaptured', 'Frames captured'],
  ['framesEncoded', 'Frames encoded'],
  ['recognitionsRun', 'Recognitions'],
  ['facesDetected', 'Faces detected'],
  ['reconnects', 'Reconnects'],
  ['readTimeouts', 'Read timeouts'],
  ['corruptFramesSkipped', 'Corrupt frames skipped'],
  ['viewerFramesDropped', 'Frames skipped for slow viewers'],
  ['lastError', 'Last error'],
];

/** The first value found under `key`, breadth first (a camera's own figures before nested ones). */
export function findFigure(stats: unknown, key: string): string | number | boolean | undefined {
  let level: unknown[] = [stats];
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
      next.push(...Object.values(node as Record<string, unknown>));
    }
    level = next;
  }
  return undefined;
}

/** The figures the camera page lists, in a fixed order; those the stats do not have are left out. */
export function statsFigures(stats: unknown): Array<{ label: string; value: string }> {
  const figures: Array<{ label: string; value: string }> = [];
  const width = findFigure(stats, 'width');
  const height = findFigure(stats, 'height');
  for (const [key, label] of FIGURES) {
    const value = findFigure(stats, key);
    if (value === undefined || value === '') continue;
    figures.push({ label, value: key === 'state' ? stateBadge(String(value)).label : formatFigure(value) });
    if (key === 'state' && typeof width === 'number' && typeof height === 'number' && width > 0) {
      figures.push({ label: 'Resolution', value: `${width}×${height}` });
    }
  }
  return figures;
}

function formatFigure(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}

/** "1280×720 · 25 fps · 2 viewers" under a tile. */
export function cameraMeta(camera: Pick<Camera, 'width' | 'height' | 'fps' | 'viewers'>): string {
  const parts: string[] = [];
  if (camera.width > 0 && camera.height > 0) parts.push(`${camera.width}×${camera.height}`);
  if (camera.fps > 0) parts.push(`${Math.round(camera.fps * 10) / 10} fps`);
  if (camera.viewers > 0) parts.push(`${camera.viewers} viewer${camera.viewers === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** Where a camera's counters are: `/cameras/<name>/stats` beside its stream (`/stream/stats` for the single-camera `/stream`). */
export function statsUrl(camera: Pick<Camera, 'streamUrl'>): string {
  const url = camera.streamUrl.replace(/\?.*$/, '');
  if (url === '/stream') return '/stream/stats';
  return url.replace(/\/stream$/, '/stats');
}
