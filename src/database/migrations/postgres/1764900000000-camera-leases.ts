import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cameras across nodes: a camera can be pinned to a node; the nodes' heartbeats and the camera
 * leases (who runs which camera until when, with its state for the other nodes' listings).
 * The two tables are PostgreSQL's only (one SQLite node leases nothing) and have no entity:
 * PgCameraLeases reads and writes them in single atomic statements.
 */
export class PostgresCameraLeases1764900000000 implements MigrationInterface {
  name = 'PostgresCameraLeases1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "camera" ADD COLUMN IF NOT EXISTS "node" character varying(64)`);
    await db.query(`CREATE TABLE IF NOT EXISTS "cluster_node" ("name" text NOT NULL, "url" text NOT NULL, "heartbeatAt" bigint NOT NULL, CONSTRAINT "PK_cluster_node" PRIMARY KEY ("name"))`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS "camera_lease" ("camera" character varying(32) NOT NULL, "node" text NOT NULL, "expiresAt" bigint NOT NULL, "state" character varying(16) NOT NULL, "fps" double precision NOT NULL DEFAULT 0, "viewers" integer NOT NULL DEFAULT 0, "width" integer NOT NULL DEFAULT 0, "height" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_camera_lease" PRIMARY KEY ("camera"))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "camera_lease"`);
    await db.query(`DROP TABLE "cluster_node"`);
    await db.query(`ALTER TABLE "camera" DROP COLUMN "node"`);
  }
}
