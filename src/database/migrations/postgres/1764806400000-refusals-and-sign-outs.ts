import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refused admin attempts in the audit log and sign-outs that survive a restart (see the SQLite twin). */
export class PostgresRefusalsAndSignOuts1764806400000 implements MigrationInterface {
  name = 'PostgresRefusalsAndSignOuts1764806400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "audit_log" ADD COLUMN IF NOT EXISTS "suppressed" integer NOT NULL DEFAULT '0'`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS "revoked_sessions" ("id" character varying(22) NOT NULL, "expires" integer NOT NULL, CONSTRAINT "PK_revoked_sessions" PRIMARY KEY ("id"))`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_f0a64e824f2afaf0d3c282ec7e" ON "revoked_sessions" ("expires")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "revoked_sessions"`);
    await db.query(`ALTER TABLE "audit_log" DROP COLUMN "suppressed"`);
  }
}
