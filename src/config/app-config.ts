import 'reflect-metadata';
import { hostname } from 'node:os';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';
import { CameraConfigError, camerasFromSettings } from '../cameras/camera-definition';
import { AccessConfig, accessConfigProblem, OPTIONAL_ACCESS_SETTINGS, SECRET_ACCESS_SETTINGS } from './access-config';
import { ENGINE_NAMES, EngineName, SMALL_FACE_PASSES, SmallFacePass } from '../recognition/face.types';
import { PRIVACY_MODES, PrivacyMode } from '../stream/privacy';
import { CHANNEL_ORDERS, type ChannelOrder } from '../recognition/engines/embedding-model';
import { EMBEDDING_SETTINGS, embeddingConfigProblem } from './embedding-config';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;

export const CAPTURE_BACKENDS = ['ffmpeg', 'opencv'] as const;
export type CaptureBackend = (typeof CAPTURE_BACKENDS)[number];

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Every setting the server reads from the environment, with its default.
 * Validated once at start; the README's configuration table mirrors this class.
 */
export class AppConfig extends AccessConfig {
  /** HTTP port. */
  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** Interface to listen on. */
  @IsString() @MinLength(1)
  HOST = '0.0.0.0';

  /**
   * The cameras, as a JSON array of definitions (`[{"name":"door","source":"rtsp://…"}, …]`);
   * unset: CAMERAS_FILE, else the one camera CAMERA_SOURCE named CAMERA_NAME.
   */
  @IsOptional() @IsString()
  CAMERAS?: string;

  /** A YAML or JSON file with the camera list (a list, or `cameras:` holding one); not with CAMERAS. */
  @IsOptional() @IsString()
  CAMERAS_FILE?: string;

  /** `auto` (device 0 if present, else the demo video), a device index, a file path, or a URL. */
  @IsString() @MinLength(1)
  CAMERA_SOURCE = 'auto';

  /** Restart a video file at its end, like a camera that never stops. */
  @Transform(toBoolean) @IsBoolean()
  CAMERA_LOOP = true;

  /** Play a video file at its own frame rate, like a camera; false processes it as fast as possible. */
  @Transform(toBoolean) @IsBoolean()
  CAMERA_PACE = true;

  /** A source that delivers no frame for this long is treated as hung: its capture process is killed and reopened. */
  @Type(() => Number) @IsInt() @Min(200) @Max(600_000)
  CAMERA_READ_TIMEOUT_MS = 5000;

  /** How long opening a source (start of the capture process to its first frame) may take before it is retried. */
  @Type(() => Number) @IsInt() @Min(500) @Max(600_000)
  CAMERA_OPEN_TIMEOUT_MS = 15_000;

  /** First reconnect delay after a camera failure; doubles on each further failure. */
  @Type(() => Number) @IsInt() @Min(10) @Max(600_000)
  CAMERA_RECONNECT_INITIAL_MS = 500;

  /** Cap of the reconnect delay. */
  @Type(() => Number) @IsInt() @Min(10) @Max(3_600_000)
  CAMERA_RECONNECT_MAX_MS = 30_000;

  /** What decodes a camera: an `ffmpeg` process (lean), or a Node.js process with OpenCV's VideoCapture (`opencv`). */
  @IsIn(CAPTURE_BACKENDS)
  CAPTURE_BACKEND: CaptureBackend = 'ffmpeg';

  /** Folder for the SQLite file (when DATABASE_URL is unset) and stored photos. */
  @IsString() @MinLength(1)
  DATA_DIR = 'data';

  /** `postgres://user:password@host:port/database`: the store is that PostgreSQL database instead of the SQLite file in DATA_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** This node's name among the nodes sharing one DATABASE_URL (in its change notifications; default the host name). */
  @IsString() @MinLength(1) @MaxLength(64)
  NODE_NAME = hostname();

  /** With DATABASE_URL: how often (s) a node compares its gallery with the store and resyncs when they differ (0 = never). */
  @Type(() => Number) @IsInt() @Min(0) @Max(86_400)
  LIBRARY_CHECK_INTERVAL_S = 60;

  /** With DATABASE_URL: per camera, frames a second whose per-frame Socket.IO events also go to the other nodes' clients when nothing in view changed (0: only changes). */
  @Type(() => Number) @IsNumber() @Min(0) @Max(30)
  CLUSTER_FRAME_EVENTS_PER_S = 2;

  /** Where the other nodes reach this one (they pass it the requests for the cameras it runs); default `http://<host name>:<PORT>`. */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+\/?$/, { message: 'NODE_URL must be http(s)://host:port' })
  NODE_URL?: string;

  /** Several nodes: a camera's lease lasts this long (ms) unless renewed; a dead node's cameras move after it ends. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(600_000)
  CAMERA_LEASE_TTL_MS = 10_000;

  /** Several nodes: how often (ms) a node beats, renews its leases and takes its share; at most a third of CAMERA_LEASE_TTL_MS. */
  @Type(() => Number) @IsInt() @Min(100) @Max(200_000)
  CAMERA_LEASE_RENEW_MS = 3_000;

  /** Photos enrolled at start, one per person, named after the person. */
  @IsString() @MinLength(1)
  FACES_DIR = 'faces';

  /** Folder holding the ONNX models. */
  @IsString() @MinLength(1)
  MODELS_DIR = 'models';

  @IsIn(ENGINE_NAMES)
  RECOGNITION_ENGINE: EngineName = 'yunet-edgeface';

  /**
   * An ONNX embedding model of your own instead of the bundled EdgeFace-XS (yunet-edgeface
   * engine); its input is described by the EMBEDDING_* settings below, its output size read
   * from the model. Checked in embedding-config.ts.
   */
  @IsOptional() @IsString() @MinLength(1)
  EMBEDDING_MODEL?: string;

  /** Side of the square aligned face EMBEDDING_MODEL takes, in pixels (default 112). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(32) @Max(1024)
  EMBEDDING_INPUT_SIZE?: number;

  /** Channel order EMBEDDING_MODEL takes (default RGB). */
  @IsOptional() @IsIn(CHANNEL_ORDERS)
  EMBEDDING_CHANNEL_ORDER?: ChannelOrder;

  /** Subtracted from each pixel value (0-255): one number or three in the model's channel order (default 127.5). */
  @IsOptional() @IsString()
  EMBEDDING_MEAN?: string;

  /** Divides each pixel value after the mean: one number or three (default 127.5). */
  @IsOptional() @IsString()
  EMBEDDING_STD?: string;

  /** EMBEDDING_MODEL's fitted different-person tail (default: next to it, `<model>.tail.json`). */
  @IsOptional() @IsString() @MinLength(1)
  EMBEDDING_TAIL_FILE?: string;

  /** Run recognition on every Nth frame (1 = every frame). */
  @Type(() => Number) @IsInt() @Min(1) @Max(100)
  RECOGNIZE_EVERY_N_FRAMES = 2;

  /**
   * On frames not recognised, draw a tracked face only where a quick detection around its
   * predicted box finds it again (about 2 ms a face, yunet-edgeface only): no box lingers
   * where a face has just left. False: draw the predicted boxes.
   */
  @Transform(toBoolean) @IsBoolean()
  TRACK_CONFIRMATION = true;

  /**
   * Motion-gated detection: a recognised frame is searched whole only when something moved outside
   * the tracked faces (or after a cut, or every FULL_DETECTION_EVERY_MS); otherwise only around the
   * tracked faces, and a still, empty picture not at all. False: every recognised frame whole.
   */
  @Transform(toBoolean) @IsBoolean()
  MOTION_GATING = true;

  /** With MOTION_GATING, a whole-frame detection at least this often (ms), moving or not. */
  @Type(() => Number) @IsInt() @Min(100) @Max(60_000)
  FULL_DETECTION_EVERY_MS = 1000;

  /**
   * Fixed cosine similarity needed to name a face. Empty (the default): the threshold follows
   * the gallery's size so that strangers are named at most MATCH_FALSE_NAME_RATE of the time.
   */
  @IsOptional() @Type(() => Number) @IsNumber() @Min(-1) @Max(1)
  MATCH_THRESHOLD?: number;

  /** Share of stranger faces that may be given someone's name (when MATCH_THRESHOLD is empty). */
  @Type(() => Number) @IsNumber() @Min(0.0001) @Max(0.5)
  MATCH_FALSE_NAME_RATE = 0.01;

  /** Frames are downscaled to at most this width before detection (0 = full resolution). */
  @Type(() => Number) @IsInt() @Min(0) @Max(8192)
  DETECTION_WIDTH = 640;

  /**
   * yunet-edgeface, when frames are downscaled for detection: `regions` also detects at full
   * resolution around the small faces of the previous frame and around the downscaled pass's
   * small weak candidates; `tiles` adds one rotating quarter of the frame every other recognised
   * frame (finds far faces the downscaled pass does not see at all, at about +50 % detection time).
   * `regions` found every 20–50 px face of the shrunken demo recording at no measurable cost on
   * the normal one; `off` is the downscaled pass alone.
   */
  @IsIn(SMALL_FACE_PASSES)
  SMALL_FACE_PASS: SmallFacePass = 'regions';

  /** Minimum detector score for a face. */
  @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  DETECTION_MIN_SCORE = 0.6;

  /** Smallest face (box height in pixels) accepted in an enrollment photo. */
  @Type(() => Number) @IsInt() @Min(8)
  ENROLL_MIN_FACE_PX = 40;

  /** Largest accepted upload, in bytes. */
  @Type(() => Number) @IsInt() @Min(1024)
  UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

  /** Largest accepted upload, in pixels (width x height), checked before decoding. */
  @Type(() => Number) @IsInt() @Min(1)
  UPLOAD_MAX_PIXELS = 40_000_000;

  /** Frames per second of the "camera offline, reconnecting" image viewers get while the camera is down. */
  @Type(() => Number) @IsNumber() @Min(0.2) @Max(25)
  STREAM_PLACEHOLDER_FPS = 2;

  /** With no new frame for this long (ms), viewers get the offline image even before the camera is declared failed. */
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000)
  STREAM_OFFLINE_AFTER_MS = 2000;

  /** Faces blurred on the stream and snapshots: none, strangers' (`blur-unknown`), or all (`blur-all`); per camera: `privacy`. */
  @IsIn(PRIVACY_MODES)
  STREAM_PRIVACY: PrivacyMode = 'off';

  /** JPEG quality of the MJPEG stream. */
  @Type(() => Number) @IsInt() @Min(10) @Max(100)
  STREAM_JPEG_QUALITY = 80;

  /** The name of the one camera CAMERA_SOURCE defines (when CAMERAS and CAMERAS_FILE are unset). */
  @IsString() @MinLength(1)
  CAMERA_NAME = 'main';

  /** A sighting ends when its person has not been recognised for this long (ms); seen again later, it is a new sighting. */
  @Type(() => Number) @IsInt() @Min(100) @Max(3_600_000)
  SIGHTING_END_AFTER_MS = 4000;

  /** A tracked face that stays Unknown this long (ms) is kept in the unknown-faces inbox (once per appearance). */
  @Type(() => Number) @IsInt() @Min(0) @Max(3_600_000)
  UNKNOWN_FACE_AFTER_MS = 2000;

  /** Cosine similarity at which an unknown face joins an inbox entry instead of adding one; empty = the open-set threshold for that many entries. */
  @IsOptional() @Type(() => Number) @IsNumber() @Min(-1) @Max(1)
  UNKNOWN_FACE_GROUP_SIMILARITY?: number;

  /**
   * Recognised faces that are good, new views of an enrolled person are offered as suggested samples;
   * with this on, the clearest of them (wide margins, quality gate, a cap per person) are added without a click.
   */
  @Transform(toBoolean) @IsBoolean()
  AUTO_ADD_SAMPLES = false;

  /** Suggested samples kept per person (the oldest dropped beyond). */
  @Type(() => Number) @IsInt() @Min(1) @Max(100)
  SAMPLE_SUGGESTIONS_PER_PERSON = 8;

  // The keys, sessions, PUBLIC_READS and METRICS_TOKEN: see AccessConfig.

  /** Rate-limit window, in seconds. */
  @Type(() => Number) @IsInt() @Min(1)
  RATE_LIMIT_WINDOW_S = 60;

  /** Requests one client (IP) may make per window, all routes except the stream, /health and /metrics. */
  @Type(() => Number) @IsInt() @Min(1)
  RATE_LIMIT_MAX = 1200;

  /** Requests that change data (POST/PUT/PATCH/DELETE) one client may make per window. */
  @Type(() => Number) @IsInt() @Min(1)
  RATE_LIMIT_WRITE_MAX = 60;

  /** Origins allowed to call the API from another site: empty = none (same origin only), `*` = any, or a comma-separated list. */
  @IsString()
  CORS_ORIGINS = '';

  /** `json` (one JSON object per line) or `text`; unset: `json` when NODE_ENV=production, else `text`. */
  @IsOptional() @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  /** On SIGTERM/SIGINT, exit with an error if shutting down takes longer than this (ms). */
  @Type(() => Number) @IsInt() @Min(100)
  SHUTDOWN_TIMEOUT_MS = 10_000;
}

/** Settings without a default: absent from `new AppConfig()`, so listed here. */
const OPTIONAL_SETTINGS = [
  'CAMERAS',
  'CAMERAS_FILE',
  'DATABASE_URL',
  'NODE_URL',
  ...EMBEDDING_SETTINGS,
  'MATCH_THRESHOLD',
  'UNKNOWN_FACE_GROUP_SIMILARITY',
  'LOG_FORMAT',
  ...OPTIONAL_ACCESS_SETTINGS,
];

/** Never repeated in error messages. */
const SECRET_SETTINGS = new Set<string>([...SECRET_ACCESS_SETTINGS, 'DATABASE_URL']);

/** Where the other nodes reach this one: NODE_URL, else `http://<host name>:<PORT>`. */
export function nodeUrlOf(config: Pick<AppConfig, 'NODE_URL' | 'PORT'>): string {
  return (config.NODE_URL ?? `http://${hostname()}:${config.PORT}`).replace(/\/$/, '');
}

/** For ConfigModule: turns process.env into a typed, validated AppConfig or throws a readable error. */
export function validateConfig(env: Record<string, unknown>): AppConfig {
  const known = new Set(Object.keys(new AppConfig()).concat(OPTIONAL_SETTINGS));
  // Empty strings mean "not set", so the default applies.
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => known.has(key) && value !== ''));
  const config = plainToInstance(AppConfig, relevant, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `  ${e.property}=${SECRET_SETTINGS.has(e.property) ? '(hidden)' : JSON.stringify(relevant[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const accessProblem = accessConfigProblem(config);
  if (accessProblem) throw new Error(`Invalid configuration:\n  ${accessProblem}`);
  if (config.CAMERA_LEASE_RENEW_MS * 3 > config.CAMERA_LEASE_TTL_MS) {
    // Renewals must have room to fail twice before the lease runs out (see CameraLeaseKeeper).
    throw new Error(`Invalid configuration:\n  CAMERA_LEASE_RENEW_MS=${config.CAMERA_LEASE_RENEW_MS} must be at most a third of CAMERA_LEASE_TTL_MS=${config.CAMERA_LEASE_TTL_MS}`);
  }
  const embeddingProblem = embeddingConfigProblem(config);
  if (embeddingProblem) throw new Error(`Invalid configuration:\n  ${embeddingProblem}`);
  try {
    // The camera list is checked now too, so a bad camera stops the server before anything starts.
    camerasFromSettings(config);
  } catch (err) {
    if (err instanceof CameraConfigError) throw new Error(`Invalid configuration:\n  ${err.message}`);
    throw err;
  }
  return config;
}
