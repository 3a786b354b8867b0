import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addSqliteColumn } from './1764810000000-better-samples';

/** A camera can be pinned to a node (see the PostgreSQL twin; one SQLite node has no leases). */
export class SqliteCameraLeases1764900000000 implements MigrationInterface {
  name = 'SqliteCameraLeases1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await addSqliteColumn(db, 'camera', 'node', 'varchar(64)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "camera" DROP COLUMN "node"`);
  }
}
