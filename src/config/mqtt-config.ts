import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;

/** A topic level path without wildcards, without a leading or trailing "/" and without empty levels. */
const TOPIC_PREFIX = /^[^/#+\s]+(\/[^/#+\s]+)*$/;

/**
 * The MQTT and Home Assistant settings, read from the environment at start (their own class so
 * the main AppConfig stays small). Without MQTT_URL nothing here is used and no client starts.
 */
export class MqttConfig {
  /** The broker: `mqtt://host:1883` or `mqtts://host:8883`; unset = MQTT off. */
  @IsOptional() @Matches(/^mqtts?:\/\/[^\s/]+/, { message: 'MQTT_URL must be an mqtt:// or mqtts:// URL with a host' })
  MQTT_URL?: string;

  @IsOptional() @IsString()
  MQTT_USERNAME?: string;

  @IsOptional() @IsString()
  MQTT_PASSWORD?: string;

  /** Unset: `face-stream-` and a random suffix (two servers must never share one: the broker would disconnect one of them). */
  @IsOptional() @IsString() @MinLength(1) @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'MQTT_CLIENT_ID must be 1 to 128 printable ASCII characters' })
  MQTT_CLIENT_ID?: string;

  /** Every topic starts with this; one prefix per server (its availability and discovery ids derive from it). */
  @Matches(TOPIC_PREFIX, { message: 'MQTT_TOPIC_PREFIX must be topic levels separated by "/", without "#", "+", spaces or empty levels' })
  MQTT_TOPIC_PREFIX = 'face-stream';

  /** mqtts: a PEM file of the CA(s) to trust instead of the system's. */
  @IsOptional() @IsString()
  MQTT_CA_FILE?: string;

  /** mqtts: client certificate (PEM), for brokers that require one (with MQTT_KEY_FILE). */
  @IsOptional() @IsString()
  MQTT_CERT_FILE?: string;

  @IsOptional() @IsString()
  MQTT_KEY_FILE?: string;

  /** mqtts: refuse a broker whose certificate does not verify. */
  @Transform(toBoolean) @IsBoolean()
  MQTT_REJECT_UNAUTHORIZED = true;

  /** First reconnect delay; doubles after each failed attempt up to MQTT_RECONNECT_MAX_MS. */
  @Type(() => Number) @IsInt() @Min(50) @Max(600_000)
  MQTT_RECONNECT_INITIAL_MS = 1000;

  @Type(() => Number) @IsInt() @Min(50) @Max(3_600_000)
  MQTT_RECONNECT_MAX_MS = 30_000;

  /** Messages kept while the broker is away or slow; the oldest is dropped beyond it (counted in /metrics). */
  @Type(() => Number) @IsInt() @Min(10) @Max(1_000_000)
  MQTT_QUEUE_MAX = 1000;

  /** A person counts as present until nobody has seen them for this long. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(86_400_000)
  MQTT_PRESENCE_TIMEOUT_MS = 60_000;

  /** Also publish the face thumbnail of each event as a JPEG (`<prefix>/cameras/<camera>/snapshot`). */
  @Transform(toBoolean) @IsBoolean()
  MQTT_SNAPSHOTS = false;

  /** The server's address as subscribers reach it, put before thumbnail paths in events (unset: paths only). */
  @IsOptional() @Matches(/^https?:\/\/\S+[^/\s]$/, { message: 'MQTT_PUBLIC_URL must be an http(s) URL without a trailing "/"' })
  MQTT_PUBLIC_URL?: string;

  /** Home Assistant MQTT discovery. */
  @Transform(toBoolean) @IsBoolean()
  HA_DISCOVERY = true;

  @Matches(TOPIC_PREFIX, { message: 'HA_DISCOVERY_PREFIX must be topic levels separated by "/", without "#", "+" or spaces' })
  HA_DISCOVERY_PREFIX = 'homeassistant';
}

/** The settings once validated, with the TLS files read. */
export interface MqttSettings extends Omit<MqttConfig, 'MQTT_URL'> {
  MQTT_URL: string;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

const OPTIONAL_SETTINGS = ['MQTT_URL', 'MQTT_USERNAME', 'MQTT_PASSWORD', 'MQTT_CLIENT_ID', 'MQTT_CA_FILE', 'MQTT_CERT_FILE', 'MQTT_KEY_FILE', 'MQTT_PUBLIC_URL'];
const SECRET_SETTINGS = new Set(['MQTT_PASSWORD']);

/** A broker URL fit for logs and error messages: a password in it is masked. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/**
 * The MQTT settings from the environment: null when MQTT_URL is unset (MQTT off), else
 * validated settings; throws an error naming every bad setting (the server then does not start).
 */
export function mqttSettingsFrom(env: Record<string, unknown>): MqttSettings | null {
  const known = new Set(Object.keys(new MqttConfig()).concat(OPTIONAL_SETTINGS));
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => known.has(key) && value !== '' && value !== undefined));
  if (relevant.MQTT_URL === undefined) return null;
  const config = plainToInstance(MqttConfig, relevant, { exposeDefaultValues: true });
  const problems = validateSync(config).map(
    (e) => `  ${e.property}=${SECRET_SETTINGS.has(e.property) ? '(hidden)' : JSON.stringify(e.property === 'MQTT_URL' ? redactUrl(String(relevant.MQTT_URL)) : relevant[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (config.MQTT_RECONNECT_MAX_MS < config.MQTT_RECONNECT_INITIAL_MS) problems.push('  MQTT_RECONNECT_MAX_MS: must not be below MQTT_RECONNECT_INITIAL_MS');
  if (Boolean(config.MQTT_CERT_FILE) !== Boolean(config.MQTT_KEY_FILE)) problems.push('  MQTT_CERT_FILE and MQTT_KEY_FILE: give both or neither');
  const tls: MqttSettings['tls'] = {};
  for (const [setting, key] of [['MQTT_CA_FILE', 'ca'], ['MQTT_CERT_FILE', 'cert'], ['MQTT_KEY_FILE', 'key']] as const) {
    const file = config[setting];
    if (!file) continue;
    try {
      tls[key] = readFileSync(file);
    } catch (err) {
      problems.push(`  ${setting}=${JSON.stringify(file)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  return { ...config, MQTT_URL: config.MQTT_URL!, tls };
}
