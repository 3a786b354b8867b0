import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, Max, Min, validateSync } from 'class-validator';
import type { RetentionPolicy } from './retention-rules';

/**
 * How long stored data is kept, read from the environment and validated at start like AppConfig
 * (its own class: one concern, one file). 0 = keep forever. The README's configuration table
 * lists these too.
 */
export class RetentionConfig {
  /** Days a sighting (and its face crop) is kept after it ended. */
  @Type(() => Number) @IsInt() @Min(0) @Max(36_500)
  RETENTION_SIGHTINGS_DAYS = 30;

  /** Days an unknown-faces inbox entry (and its face crop) is kept after the stranger was last seen. */
  @Type(() => Number) @IsInt() @Min(0) @Max(36_500)
  RETENTION_UNKNOWN_DAYS = 7;

  /** Days an audit-log entry is kept. */
  @Type(() => Number) @IsInt() @Min(0) @Max(36_500)
  RETENTION_AUDIT_DAYS = 90;

  policy(): RetentionPolicy {
    return { sightings: this.RETENTION_SIGHTINGS_DAYS, unknown_faces: this.RETENTION_UNKNOWN_DAYS, audit: this.RETENTION_AUDIT_DAYS };
  }
}

export const RETENTION_CONFIG = Symbol('RETENTION_CONFIG');

/** Turns the environment into a validated RetentionConfig, or throws a readable error (empty = default). */
export function validateRetentionConfig(env: Record<string, unknown>): RetentionConfig {
  const known = new Set(Object.keys(new RetentionConfig()));
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => known.has(key) && value !== ''));
  const config = plainToInstance(RetentionConfig, relevant, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(relevant[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
