import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The table @socket.io/postgres-adapter keeps events too large for a NOTIFY payload (8000 bytes) in,
 * for the other nodes to read (src/cluster-events). Its schema is the adapter's, so no entity; on
 * SQLite there is one node and no adapter.
 */
export class PostgresSocketIoAttachments1764910000000 implements MigrationInterface {
  name = 'PostgresSocketIoAttachments1764910000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE IF NOT EXISTS "socket_io_attachments" ("id" bigserial UNIQUE, "created_at" timestamptz DEFAULT now(), "payload" bytea)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "socket_io_attachments"`);
  }
}
