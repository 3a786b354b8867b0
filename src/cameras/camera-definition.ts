import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SMALL_FACE_PASSES } from '../recognition/face.types';
import { PRIVACY_MODES } from '../stream/privacy';
import { zoneListProblem } from '../stream/privacy-zones';
import { CAMERA_NAME_PATTERN, CAMERA_OVERRIDE_FIELDS, NODE_NAME_MAX_LENGTH, type CameraDefinition, type CameraOverrides } from './camera-definition.types';

/**
 * Camera definitions from CAMERAS / CAMERAS_FILE / the shorthand CAMERA_SOURCE + CAMERA_NAME and
 * from API bodies: parsed strictly (JSON types only, no coercion, unknown fields refused) so a
 * typo stops the server or gets a 400 naming the camera and the field instead of being ignored.
 * Pure: no Nest, no database.
 */

/** A camera definition that cannot be used. `reason` is the message without the location prefix. */
export class CameraConfigError extends Error {
  /** The field at fault, when one is. */
  readonly field?: string;
  /** The camera's name, when known. */
  readonly camera?: string;
  /** The camera's 1-based position in its list, named in the message when it has no usable name. */
  readonly position?: number;
  /** The setting or file path the definition came from. */
  readonly where?: string;

  constructor(
    readonly reason: string,
    details: { field?: string; camera?: string; position?: number; where?: string } = {},
  ) {
    const label = details.camera !== undefined ? JSON.stringify(details.camera) : details.position !== undefined ? `#${details.position}` : undefined;
    super(`${details.where ? `${details.where}: ` : ''}${label ? `camera ${label}: ` : ''}${reason}`);
    this.name = 'CameraConfigError';
    this.field = details.field;
    this.camera = details.camera;
    this.position = details.position;
    this.where = details.where;
  }

  /** The same error, located in a setting or a file. */
  in(where: string): CameraConfigError {
    return new CameraConfigError(this.reason, { field: this.field, camera: this.camera, position: this.position, where });
  }
}

/** A PATCH body: any field but the name; `null` on an override returns it to the server-wide setting, on `node` unpins. */
export type CameraPatch = Partial<Pick<CameraDefinition, 'source' | 'enabled'>> & { node?: string | null } & {
  [K in keyof CameraOverrides]?: CameraOverrides[K] | null;
};

export interface ParseCameraOptions {
  /** PATCH body: every field optional, no defaults, `name` refused. */
  partial?: boolean;
  /** The camera being patched, named in messages (a PATCH body has no name). */
  camera?: string;
  /** The definition's 1-based position in a list, named in messages while it has no usable name. */
  position?: number;
}

/** The longest source accepted: a path or URL, never a blob. */
const MAX_SOURCE_LENGTH = 4096;

// Ranges mirror the server-wide settings (see camera-definition.types.ts).
const INTEGER_RANGES = {
  recognizeEveryN: [1, 100],
  detectionWidth: [0, 8192],
  minFacePx: [0, 4096],
  jpegQuality: [10, 100],
} as const;
const NUMBER_RANGES = {
  detectionMinScore: [0, 1],
  matchThreshold: [-1, 1],
  matchFalseNameRate: [0.0001, 0.5],
} as const;
const BOOLEAN_OVERRIDES = ['trackConfirmation', 'motionGating', 'loop', 'pace', 'unknownInbox'] as const;

const ALLOWED_FIELDS: readonly string[] = ['name', 'source', 'enabled', 'node', ...CAMERA_OVERRIDE_FIELDS];

export function parseCameraDefinition(input: unknown, opts?: ParseCameraOptions & { partial?: false }): CameraDefinition;
export function parseCameraDefinition(input: unknown, opts: ParseCameraOptions & { partial: true }): CameraPatch;
export function parseCameraDefinition(input: unknown, opts: ParseCameraOptions = {}): CameraDefinition | CameraPatch {
  const partial = opts.partial === true;
  let camera = opts.camera;
  const fail = (field: string | undefined, reason: string): never => {
    throw new CameraConfigError(reason, { field, camera, position: opts.position });
  };

  if (!isPlainObject(input)) return fail(undefined, `expected an object with at least name and source (got ${describe(input)})`);

  // The name first: every later message is labelled with it.
  if (partial) {
    if (hasOwn(input, 'name')) fail('name', `name cannot be changed (got ${describe(input.name)})`);
  } else {
    if (!hasOwn(input, 'name')) fail('name', 'name is required');
    const name = input.name;
    if (typeof name !== 'string' || !CAMERA_NAME_PATTERN.test(name)) {
      fail('name', `name must be 1 to 32 lower-case letters, digits, "_" or "-" (got ${describe(name)})`);
    }
    camera = name as string;
  }

  for (const key of Object.keys(input)) {
    if (!ALLOWED_FIELDS.includes(key)) fail(key, `unknown field "${key}" (allowed: ${ALLOWED_FIELDS.join(', ')})`);
  }

  const out: Record<string, unknown> = {};
  if (!partial) out.name = camera;

  if (hasOwn(input, 'source')) {
    out.source = checkSource(input.source, fail);
  } else if (!partial) {
    fail('source', 'source is required ("auto", a device index such as "0", a file path or a URL)');
  }

  if (hasOwn(input, 'enabled')) {
    if (typeof input.enabled !== 'boolean') fail('enabled', `enabled must be true or false (got ${describe(input.enabled)})`);
    out.enabled = input.enabled;
  } else if (!partial) {
    out.enabled = true;
  }

  if (hasOwn(input, 'node')) {
    // null = "any node": kept in a patch (it unpins), dropped otherwise.
    if (input.node !== null) out.node = checkNode(input.node, fail);
    else if (partial) out.node = null;
  }

  for (const field of CAMERA_OVERRIDE_FIELDS) {
    if (!hasOwn(input, field)) continue;
    const value = input[field];
    if (value === null) {
      // null = "use the server-wide setting": kept in a patch (it clears the override), dropped otherwise.
      if (partial) out[field] = null;
      continue;
    }
    out[field] = checkOverride(field, value, fail);
  }
  return out as unknown as CameraDefinition | CameraPatch;
}

function checkSource(value: unknown, fail: (field: string, reason: string) => never): string {
  if (typeof value === 'number') {
    // YAML turns `source: 0` into a number; say how to write it rather than coerce.
    fail('source', `source must be a string (got ${describe(value)}; write "${value}" for a device index)`);
  }
  if (typeof value !== 'string') return fail('source', `source must be a string (got ${describe(value)})`);
  if (value.trim() === '') fail('source', 'source must not be empty');
  if (value.length > MAX_SOURCE_LENGTH) fail('source', `source must be at most ${MAX_SOURCE_LENGTH} characters (got ${value.length})`);
  if (/[\u0000-\u001f\u007f]/.test(value)) fail('source', 'source must not contain control characters (line breaks, tabs, ...)');
  return value;
}

function checkNode(value: unknown, fail: (field: string, reason: string) => never): string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim()) {
    return fail('node', `node must be a node's NODE_NAME, or null for any node (got ${describe(value)})`);
  }
  if (value.length > NODE_NAME_MAX_LENGTH) fail('node', `node must be at most ${NODE_NAME_MAX_LENGTH} characters (got ${value.length})`);
  if (/[\u0000-\u001f\u007f]/.test(value)) fail('node', 'node must not contain control characters');
  return value;
}

function checkOverride(field: keyof CameraOverrides, value: unknown, fail: (field: string, reason: string) => never): unknown {
  if (field === 'privacyZones') {
    const problem = zoneListProblem(value);
    if (problem) fail(field, `${field} ${problem}`);
    return value;
  }
  if (field in INTEGER_RANGES) {
    const [min, max] = INTEGER_RANGES[field as keyof typeof INTEGER_RANGES];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(field, `${field} must be an integer from ${min} to ${max} (got ${describe(value)})`);
    }
    return value;
  }
  if (field in NUMBER_RANGES) {
    const [min, max] = NUMBER_RANGES[field as keyof typeof NUMBER_RANGES];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      fail(field, `${field} must be a number from ${min} to ${max} (got ${describe(value)})`);
    }
    return value;
  }
  if ((BOOLEAN_OVERRIDES as readonly string[]).includes(field)) {
    if (typeof value !== 'boolean') fail(field, `${field} must be true or false (got ${describe(value)})`);
    return value;
  }
  // The enumerations: smallFacePass and privacy.
  const allowed: readonly string[] = field === 'privacy' ? PRIVACY_MODES : SMALL_FACE_PASSES;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(field, `${field} must be one of ${allowed.join(', ')} (got ${describe(value)})`);
  }
  return value;
}

/** A list of cameras with unique names; `where` (a setting or a file path) prefixes every message. */
export function parseCameraList(input: unknown, where: string): CameraDefinition[] {
  if (!Array.isArray(input)) {
    throw new CameraConfigError(`expected a list of cameras (got ${describe(input)})`, { where });
  }
  const seen = new Map<string, number>();
  return input.map((item, index) => {
    let camera: CameraDefinition;
    try {
      camera = parseCameraDefinition(item, { position: index + 1 });
    } catch (error) {
      throw error instanceof CameraConfigError ? error.in(where) : error;
    }
    const first = seen.get(camera.name);
    if (first !== undefined) {
      throw new CameraConfigError(`name is used twice (cameras #${first + 1} and #${index + 1})`, { field: 'name', camera: camera.name, where });
    }
    seen.set(camera.name, index);
    return camera;
  });
}

/** A YAML or JSON file (JSON is YAML): a list of cameras, or `{ cameras: [...] }`. */
export function loadCamerasFile(path: string): CameraDefinition[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CameraConfigError(`cannot read the cameras file: ${(error as Error).message}`, { where: path });
  }
  let document: unknown;
  try {
    // uniqueKeys: a key written twice is a mistake, not "the last one wins".
    document = parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new CameraConfigError(`not valid YAML or JSON: ${(error as Error).message}`, { where: path });
  }
  if (document === null || document === undefined) {
    throw new CameraConfigError('the file is empty: expected a list of cameras or { cameras: [...] }', { where: path });
  }
  if (isPlainObject(document)) {
    const extra = Object.keys(document).filter((key) => key !== 'cameras');
    if (extra.length > 0 || !hasOwn(document, 'cameras')) {
      const reason = extra.length > 0 ? `unknown top-level field "${extra[0]}"` : 'no "cameras" field';
      throw new CameraConfigError(`${reason}: expected a list of cameras or { cameras: [...] }`, { field: extra[0], where: path });
    }
    return parseCameraList(document.cameras, path);
  }
  return parseCameraList(document, path);
}

/** The settings that define the cameras (a subset of AppConfig). */
export interface CameraSettings {
  CAMERAS?: string;
  CAMERAS_FILE?: string;
  CAMERA_SOURCE: string;
  CAMERA_NAME: string;
}

/**
 * The configured cameras: CAMERAS (a JSON array) or CAMERAS_FILE, else the one-camera shorthand
 * CAMERA_SOURCE + CAMERA_NAME (`auto` stays `auto`: the capture side resolves it).
 */
export function camerasFromSettings(s: CameraSettings): CameraDefinition[] {
  const inline = s.CAMERAS?.trim() ? s.CAMERAS : undefined;
  const file = s.CAMERAS_FILE?.trim() ? s.CAMERAS_FILE.trim() : undefined;
  if (inline !== undefined && file !== undefined) {
    throw new CameraConfigError('CAMERAS and CAMERAS_FILE cannot both be set: use one of them');
  }
  if (inline !== undefined) {
    let list: unknown;
    try {
      list = JSON.parse(inline);
    } catch (error) {
      throw new CameraConfigError(`not valid JSON (${(error as Error).message}): expected a JSON array of cameras`, { where: 'CAMERAS' });
    }
    return parseCameraList(list, 'CAMERAS');
  }
  if (file !== undefined) return loadCamerasFile(file);

  const name = s.CAMERA_NAME?.trim() ? s.CAMERA_NAME : 'main';
  const source = s.CAMERA_SOURCE?.trim() ? s.CAMERA_SOURCE : 'auto';
  try {
    return [parseCameraDefinition({ name, source, enabled: true })];
  } catch (error) {
    if (!(error instanceof CameraConfigError)) throw error;
    throw error.in(error.field === 'name' ? 'CAMERA_NAME' : 'CAMERA_SOURCE');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasOwn(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** A value as it would be written in JSON, cut short: messages stay one readable line. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
