import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addSqliteColumn } from './1764810000000-better-samples';

/**
 * Refused admin attempts in the audit log (how many from the same address were left out before
 * each one kept) and sign-outs that survive a restart. Data dirs made by a build with `synchronize`
 * after these entities changed already have both: every step checks first.
 */
export class SqliteRefusalsAndSignOuts1764806400000 implements MigrationInterface {
  name = 'SqliteRefusalsAndSignOuts1764806400000';

  async up(db: QueryRunner): Promise<void> {
    await addSqliteColumn(db, 'audit_log', 'suppressed', 'integer NOT NULL DEFAULT (0)');
    await db.query(`CREATE TABLE IF NOT EXISTS "revoked_sessions" ("id" varchar(22) PRIMARY KEY NOT NULL, "expires" integer NOT NULL)`);
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_f0a64e824f2afaf0d3c282ec7e" ON "revoked_sessions" ("expires")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "revoked_sessions"`);
    await db.query(`ALTER TABLE "audit_log" DROP COLUMN "suppressed"`);
  }
}
