import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema as of the first release with migrations. Data dirs made before it were created by
 * TypeORM's `synchronize` with the same tables and indexes (epoch ms as `integer` and confidence
 * as `real`, the same storage classes in SQLite as `bigint` and `float` here), so every
 * statement is IF NOT EXISTS: on such a store this migration changes nothing and is recorded.
 */
export class SqliteBaseline1764720000000 implements MigrationInterface {
  name = 'SqliteBaseline1764720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE IF NOT EXISTS "camera" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(32) NOT NULL, "source" text NOT NULL, "enabled" boolean NOT NULL, "overrides" text NOT NULL, "origin" varchar(8) NOT NULL, "createdAt" bigint NOT NULL, CONSTRAINT "UQ_ff475de4c1f850e41b2799e6c1e" UNIQUE ("name"))`,
    );
    await db.query(
      `CREATE TABLE IF NOT EXISTS "audit_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" bigint NOT NULL, "role" varchar(16) NOT NULL, "ip" varchar(64) NOT NULL, "method" varchar(8) NOT NULL, "route" varchar(128) NOT NULL, "path" varchar(256) NOT NULL, "status" integer NOT NULL)`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at")`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS "unknown_faces" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "camera" varchar NOT NULL, "firstSeen" bigint NOT NULL, "lastSeen" bigint NOT NULL, "appearances" integer NOT NULL DEFAULT (1), "centroid" blob NOT NULL, "modelId" varchar NOT NULL, "faceHeight" integer NOT NULL, "photo" blob NOT NULL, "thumbnail" blob NOT NULL)`,
    );
    await db.query(
      `CREATE TABLE IF NOT EXISTS "sightings" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "personId" integer NOT NULL, "personName" varchar NOT NULL, "camera" varchar NOT NULL, "firstSeen" bigint NOT NULL, "lastSeen" bigint NOT NULL, "bestConfidence" float NOT NULL, "ongoing" boolean NOT NULL DEFAULT (0), "thumbnail" blob)`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_10d4ae28fb792ba01d7f9777f8" ON "sightings" ("firstSeen")`);
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_12019fdadbe5fcefc41c715f23" ON "sightings" ("lastSeen")`);
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_b760dc9dd80e4e75d2e4b51eae" ON "sightings" ("personId", "firstSeen")`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS "people" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(100) NOT NULL, "nameKey" varchar NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_a17fef54bfe1abca461b578613" ON "people" ("nameKey")`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS "face_samples" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "personId" integer NOT NULL, "embedding" blob NOT NULL, "modelId" varchar NOT NULL, "box" text NOT NULL, "photoFile" varchar NOT NULL, "thumbnailFile" varchar NOT NULL, "photoSha256" varchar(64) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_ac3c120368c314bc8b36546fd04" FOREIGN KEY ("personId") REFERENCES "people" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_5764871f4f40aa927acdf7b9ff" ON "face_samples" ("modelId")`);
    await db.query(`CREATE INDEX IF NOT EXISTS "IDX_a801e8f2f7491355bac616aeaa" ON "face_samples" ("photoSha256")`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['face_samples', 'people', 'sightings', 'unknown_faces', 'audit_log', 'camera']) await db.query(`DROP TABLE "${table}"`);
  }
}
