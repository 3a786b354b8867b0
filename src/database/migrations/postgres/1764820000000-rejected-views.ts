import type { MigrationInterface, QueryRunner } from 'typeorm';

/** "Not this person" is remembered (see the SQLite twin). */
export class PostgresRejectedViews1764820000000 implements MigrationInterface {
  name = 'PostgresRejectedViews1764820000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE IF NOT EXISTS "rejected_views" ("id" SERIAL NOT NULL, "personId" integer NOT NULL, "camera" character varying NOT NULL, "seenAt" bigint NOT NULL, "rejectedAt" bigint NOT NULL, "modelId" character varying NOT NULL, "embedding" bytea NOT NULL, CONSTRAINT "PK_rejected_views" PRIMARY KEY ("id"), CONSTRAINT "FK_06f2769efce5bc68d14c13083e2" FOREIGN KEY ("personId") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_77ba1828ab38f0b9f6aee2907f" ON "rejected_views" ("personId", "rejectedAt")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "rejected_views"`);
  }
}
