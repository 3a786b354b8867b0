import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE for a unique index or constraint refusing a row. */
const PG_UNIQUE_VIOLATION = '23505';

/** A unique constraint refused the write, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  return (error.driverError as { code?: string } | undefined)?.code === PG_UNIQUE_VIOLATION || /UNIQUE constraint failed/i.test(error.message);
}
