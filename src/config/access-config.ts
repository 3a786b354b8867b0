import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;

const KEY_RULES = (name: string) =>
  [
    MinLength(16, { message: `${name} must be at least 16 characters` }),
    Matches(/^[\x21-\x7e]+$/, { message: `${name} must be printable ASCII without spaces` }),
  ] as const;

function ApiKeySetting(name: string): PropertyDecorator {
  return (target, property) => {
    IsOptional()(target, property);
    IsString()(target, property);
    for (const rule of KEY_RULES(name)) rule(target, property);
  };
}

/**
 * Who may do what: the two roles' keys, sessions, and the switches that open reads or
 * /metrics. AppConfig extends it, so these are validated with every other setting at start.
 */
export class AccessConfig {
  /**
   * The admin key (everything, including changes), sent as `x-api-key` or used to sign in.
   * Unset: generated at first start into DATA_DIR/admin-api-key (mode 0600).
   */
  @ApiKeySetting('ADMIN_API_KEY')
  ADMIN_API_KEY?: string;

  /** The viewer key (reads only). Unset: generated at first start into DATA_DIR/viewer-api-key (mode 0600). */
  @ApiKeySetting('VIEWER_API_KEY')
  VIEWER_API_KEY?: string;

  /**
   * Lets anyone who reaches the port read (streams, snapshots, people, sightings, live faces,
   * Socket.IO events) without a key or session. Changes still need the admin key.
   */
  @Transform(toBoolean) @IsBoolean()
  PUBLIC_READS = false;

  /** Retired: reads are protected by default now. `true` is accepted (it is the default); `false` does not open reads (see PUBLIC_READS). */
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  PROTECT_READS?: boolean;

  /** How long a console session lasts after signing in, in hours. */
  @Type(() => Number) @IsInt() @Min(1) @Max(24 * 365)
  SESSION_TTL_HOURS = 12;

  /**
   * A token for Prometheus (`Authorization: Bearer …`) that opens /metrics only. Unset: /metrics
   * needs a viewer or admin key (or nothing, with PUBLIC_READS).
   */
  @ApiKeySetting('METRICS_TOKEN')
  METRICS_TOKEN?: string;
}

/** Access settings without a default (absent from `new AccessConfig()`). */
export const OPTIONAL_ACCESS_SETTINGS = ['ADMIN_API_KEY', 'VIEWER_API_KEY', 'PROTECT_READS', 'METRICS_TOKEN'];
/** Never repeated in error messages. */
export const SECRET_ACCESS_SETTINGS = ['ADMIN_API_KEY', 'VIEWER_API_KEY', 'METRICS_TOKEN'];

/** What is contradictory between access settings, or undefined. */
export function accessConfigProblem(config: AccessConfig): string | undefined {
  if (config.PUBLIC_READS && config.PROTECT_READS === true) return 'PUBLIC_READS=true and PROTECT_READS=true contradict each other: PROTECT_READS is retired, drop it';
  if (config.ADMIN_API_KEY && config.ADMIN_API_KEY === config.VIEWER_API_KEY) return 'ADMIN_API_KEY and VIEWER_API_KEY must differ';
  return undefined;
}
