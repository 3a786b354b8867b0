import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds a column unless a store made by `synchronize` already has it. */
export async function addSqliteColumn(db: QueryRunner, table: string, column: string, definition: string): Promise<void> {
  const columns: Array<{ name: string }> = await db.query(`PRAGMA table_info("${table}")`);
  if (!columns.some((c) => c.name === column)) await db.query(`ALTER TABLE "${table}" ADD COLUMN "${column}" ${definition}`);
}

/**
 * Known people get better with use: each sample's quality, the embedding of a sighting's crop
 * (which sample caused the name; the inbox when it was wrong), the person an inbox entry is not,
 * and the suggested samples.
 */
export class SqliteBetterSamples1764810000000 implements MigrationInterface {
  name = 'SqliteBetterSamples1764810000000';

  async up(db: QueryRunner): Promise<void> {
    await addSqliteColumn(db, 'face_samples', 'quality', 'text');
    await addSqliteColumn(db, 'sightings', 'embedding', 'blob');
    await addSqliteColumn(db, 'sightings', 'embeddingModelId', 'varchar');
    await addSqliteColumn(db, 'unknown_faces', 'notPersonId', 'integer');
    await db.query(
      `CREATE TABLE IF NOT EXISTS "sample_suggestions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "personId" integer NOT NULL, "camera" varchar NOT NULL, "seenAt" bigint NOT NULL, "similarity" float NOT NULL, "quality" text NOT NULL, "modelId" varchar NOT NULL, "embedding" blob NOT NULL, "photo" blob NOT NULL, "thumbnail" blob NOT NULL, CONSTRAINT "FK_68bf5ba9bb774d30958b0372891" FOREIGN KEY ("personId") REFERENCES "people" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
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
