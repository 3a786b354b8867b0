import type { SmallFacePass } from '../recognition/face.types';
import type { PrivacyMode } from '../stream/privacy';
import type { PrivacyZone } from '../stream/privacy-zones';

/** A camera's name: lower-case letters, digits, `_` and `-`, 1–32 characters; unique. */
export const CAMERA_NAME_PATTERN = /^[a-z0-9_-]{1,32}$/;

/**
 * Per-camera overrides of the recognition and stream settings that may differ between cameras.
 * Every field is optional: unset means the server-wide setting (the environment variable named).
 */
export interface CameraOverrides {
  /** RECOGNIZE_EVERY_N_FRAMES (1–100). */
  recognizeEveryN?: number;
  /** DETECTION_WIDTH (0–8192, 0 = full resolution). */
  detectionWidth?: number;
  /** SMALL_FACE_PASS. */
  smallFacePass?: SmallFacePass;
  /** DETECTION_MIN_SCORE (0–1). */
  detectionMinScore?: number;
  /** Faces shorter than this (px) are ignored on this camera (0–4096; server default 0 = none). */
  minFacePx?: number;
  /** MATCH_THRESHOLD (-1–1); unset = the open-set rule. */
  matchThreshold?: number;
  /** MATCH_FALSE_NAME_RATE (0.0001–0.5). */
  matchFalseNameRate?: number;
  /** STREAM_JPEG_QUALITY (10–100). */
  jpegQuality?: number;
  /** TRACK_CONFIRMATION. */
  trackConfirmation?: boolean;
  /** MOTION_GATING. */
  motionGating?: boolean;
  /** CAMERA_LOOP (files only). */
  loop?: boolean;
  /** CAMERA_PACE (files only). */
  pace?: boolean;
  /** Keep this camera's strangers in the unknown-faces inbox (default true; false: no entries from it). */
  unknownInbox?: boolean;
  /** STREAM_PRIVACY: blur strangers' faces (`blur-unknown`) or every face (`blur-all`) on the stream. */
  privacy?: PrivacyMode;
  /** Polygons in fractions of the frame (0–1) where nothing is detected, recorded or shown (masked on the stream). */
  privacyZones?: PrivacyZone[];
}

/** One configured camera, as given in CAMERAS / CAMERAS_FILE / POST /cameras and stored in the database. */
export interface CameraDefinition extends CameraOverrides {
  name: string;
  /** Same forms as CAMERA_SOURCE: `auto`, a device index, a file path, or a URL. */
  source: string;
  enabled: boolean;
  /** Pinned: only the node of this NODE_NAME runs it (several nodes on one PostgreSQL); unset: any node. */
  node?: string;
}

/** The longest node name a camera can be pinned to. */
export const NODE_NAME_MAX_LENGTH = 64;

/** The names of the override fields, in documentation order. */
export const CAMERA_OVERRIDE_FIELDS = [
  'recognizeEveryN',
  'detectionWidth',
  'smallFacePass',
  'detectionMinScore',
  'minFacePx',
  'matchThreshold',
  'matchFalseNameRate',
  'jpegQuality',
  'trackConfirmation',
  'motionGating',
  'loop',
  'pace',
  'unknownInbox',
  'privacy',
  'privacyZones',
] as const satisfies readonly (keyof CameraOverrides)[];
