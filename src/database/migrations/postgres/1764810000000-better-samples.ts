import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Known people get better with use (see the SQLite twin). */
export class PostgresBetterSamples1764810000000 implements MigrationInterface {
  name = 'PostgresBetterSamples1764810000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "face_samples" ADD COLUMN IF NOT EXISTS "quality" text`);
    await db.query(`ALTER TABLE "sightings" ADD COLUMN IF NOT EXISTS "embedding" bytea`);
    await db.query(`ALTER TABLE "sightings" ADD COLUMN IF NOT EXISTS "embeddingModelId" character varying`);
    await db.query(`ALTER TABLE "unknown_faces" ADD COLUMN IF NOT EXISTS "notPersonId" integer`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS "sample_suggestions" ("id" SERIAL NOT NULL, "personId" integer NOT NULL, "camera" character varying NOT NULL, "seenAt" bigint NOT NULL, "similarity" double precision NOT NULL, "quality" text NOT NULL, "modelId" character varying NOT NULL, "embedding" bytea NOT NULL, "photo" bytea NOT NULL, "thumbnail" bytea NOT NULL, CONSTRAINT "PK_sample_suggestions" PRIMARY KEY ("id"), CONSTRAINT "FK_68bf5ba9bb774d30958b0372891" FOREIGN KEY ("personId") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_dbac4ec2bb819eef494b2b31e2" ON "sample_suggestions" ("personId", "seenAt")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "sample_suggestions"`);
    await db.query(`ALTER TABLE "unknown_faces" DROP COLUMN "notPersonId"`);
    await db.query(`ALTER TABLE "sightings" DROP COLUMN "embeddingModelId"`);
    await db.query(`ALTER TABLE "sightings" DROP COLUMN "embedding"`);
    await db.query(`ALTER TABLE "face_samples" DROP COLUMN "quality"`);
  }
}
