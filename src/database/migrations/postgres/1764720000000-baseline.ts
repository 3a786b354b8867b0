import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema as of the first release with migrations: the SQLite baseline's tables in
 * PostgreSQL's types, and `photo_files` (photos live in the database on PostgreSQL).
 */
export class PostgresBaseline1764720000000 implements MigrationInterface {
  name = 'PostgresBaseline1764720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE "camera" ("id" SERIAL NOT NULL, "name" character varying(32) NOT NULL, "source" text NOT NULL, "enabled" boolean NOT NULL, "overrides" text NOT NULL, "origin" character varying(8) NOT NULL, "createdAt" bigint NOT NULL, CONSTRAINT "UQ_ff475de4c1f850e41b2799e6c1e" UNIQUE ("name"), CONSTRAINT "PK_3e6992bc5e67b9f9a6f95a5fe6f" PRIMARY KEY ("id"))`,
    );
    await db.query(
      `CREATE TABLE "audit_log" ("id" SERIAL NOT NULL, "at" bigint NOT NULL, "role" character varying(16) NOT NULL, "ip" character varying(64) NOT NULL, "method" character varying(8) NOT NULL, "route" character varying(128) NOT NULL, "path" character varying(256) NOT NULL, "status" integer NOT NULL, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await db.query(`CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at")`);
    await db.query(
      `CREATE TABLE "unknown_faces" ("id" SERIAL NOT NULL, "camera" character varying NOT NULL, "firstSeen" bigint NOT NULL, "lastSeen" bigint NOT NULL, "appearances" integer NOT NULL DEFAULT '1', "centroid" bytea NOT NULL, "modelId" character varying NOT NULL, "faceHeight" integer NOT NULL, "photo" bytea NOT NULL, "thumbnail" bytea NOT NULL, CONSTRAINT "PK_750fdee19bf3c39396b8c7dc87e" PRIMARY KEY ("id"))`,
    );
    await db.query(
      `CREATE TABLE "sightings" ("id" SERIAL NOT NULL, "personId" integer NOT NULL, "personName" character varying NOT NULL, "camera" character varying NOT NULL, "firstSeen" bigint NOT NULL, "lastSeen" bigint NOT NULL, "bestConfidence" double precision NOT NULL, "ongoing" boolean NOT NULL DEFAULT false, "thumbnail" bytea, CONSTRAINT "PK_bd31845d3086f8bfdfecd5037ca" PRIMARY KEY ("id"))`,
    );
    await db.query(`CREATE INDEX "IDX_10d4ae28fb792ba01d7f9777f8" ON "sightings" ("firstSeen")`);
    await db.query(`CREATE INDEX "IDX_12019fdadbe5fcefc41c715f23" ON "sightings" ("lastSeen")`);
    await db.query(`CREATE INDEX "IDX_b760dc9dd80e4e75d2e4b51eae" ON "sightings" ("personId", "firstSeen")`);
    await db.query(
      `CREATE TABLE "people" ("id" SERIAL NOT NULL, "name" character varying(100) NOT NULL, "nameKey" character varying NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aa866e71353ee94c6cc51059c5b" PRIMARY KEY ("id"))`,
    );
    await db.query(`CREATE UNIQUE INDEX "IDX_a17fef54bfe1abca461b578613" ON "people" ("nameKey")`);
    await db.query(
      `CREATE TABLE "face_samples" ("id" SERIAL NOT NULL, "personId" integer NOT NULL, "embedding" bytea NOT NULL, "modelId" character varying NOT NULL, "box" text NOT NULL, "photoFile" character varying NOT NULL, "thumbnailFile" character varying NOT NULL, "photoSha256" character varying(64) NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5278a5812e46edafc5a788133ec" PRIMARY KEY ("id"))`,
    );
    await db.query(`CREATE INDEX "IDX_5764871f4f40aa927acdf7b9ff" ON "face_samples" ("modelId")`);
    await db.query(`CREATE INDEX "IDX_a801e8f2f7491355bac616aeaa" ON "face_samples" ("photoSha256")`);
    await db.query(
      `ALTER TABLE "face_samples" ADD CONSTRAINT "FK_ac3c120368c314bc8b36546fd04" FOREIGN KEY ("personId") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Enrollment photos and thumbnails (DatabasePhotoStore): in the database, so every node has them.
    await db.query(`CREATE TABLE "photo_files" ("kind" character varying(16) NOT NULL, "name" character varying(64) NOT NULL, "bytes" bytea NOT NULL, PRIMARY KEY ("kind", "name"))`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['photo_files', 'face_samples', 'people', 'sightings', 'unknown_faces', 'audit_log', 'camera']) await db.query(`DROP TABLE "${table}"`);
  }
}
