import type { ColumnOptions, DataSource, ValueTransformer } from 'typeorm';

/**
 * Column types that mean the same on SQLite and PostgreSQL. The entities are declared once for
 * both dialects (one process may open both: `migrate-store`), so the few types that differ are
 * settled here rather than in the entities.
 */

/** pg returns `bigint` as a string (it may exceed 2^53); epoch milliseconds never do. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** Epoch milliseconds: 64-bit (a PostgreSQL `integer` overflows in 1970), read back as a number. */
export const EPOCH_MS: ColumnOptions = { type: 'bigint', transformer: bigintAsNumber };

/** A double (SQLite's `real`; PostgreSQL's `real` is only 4 bytes). */
export const DOUBLE: ColumnOptions = { type: 'float' };

/**
 * Binary columns are declared `blob` (SQLite's name, the type of existing data dirs); on
 * PostgreSQL they are `bytea`. TypeORM has no portable binary type, so the PostgreSQL driver of
 * each DataSource is taught the alias before its entities are validated (call before initialize()).
 * Creation and update dates are `timestamptz` there: an instant, whatever the server's or the
 * database's time zone (SQLite keeps them as UTC text).
 */
export function adaptDriverToPortableTypes(dataSource: DataSource): void {
  if (dataSource.options.type !== 'postgres') return;
  const driver = dataSource.driver;
  driver.mappedDataTypes.createDate = 'timestamptz';
  driver.mappedDataTypes.updateDate = 'timestamptz';
  driver.supportedDataTypes.push('blob');
  const normalizeType = driver.normalizeType.bind(driver);
  driver.normalizeType = (column) => (column.type === 'blob' ? 'bytea' : normalizeType(column));
}
