import type { DataSource } from 'typeorm';
import { CameraLeasesPort, type CameraRun, type ClusterNode, type ClusterView, type LeaseRow } from './camera-leases.port';

/** The database's clock in epoch ms (clock_timestamp: the real time, not the transaction's start). */
const DB_NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

interface LeaseRecord {
  camera: string;
  node: string;
  expiresAt: string;
  state: string;
  fps: number;
  viewers: number;
  width: number;
  height: number;
}

/** CameraLeasesPort on the store's PostgreSQL pool (tables from the CameraLeases migration). */
export class PgCameraLeases extends CameraLeasesPort {
  constructor(private readonly store: DataSource) {
    super();
  }

  async heartbeat(node: ClusterNode, aliveWithinMs: number): Promise<ClusterView> {
    const [{ now }] = await this.store.query(
      `INSERT INTO "cluster_node" ("name", "url", "heartbeatAt") VALUES ($1, $2, ${DB_NOW_MS})
       ON CONFLICT ("name") DO UPDATE SET "url" = EXCLUDED."url", "heartbeatAt" = EXCLUDED."heartbeatAt" RETURNING "heartbeatAt" AS now`,
      [node.name, node.url],
    );
    const at = Number(now);
    const nodes: ClusterNode[] = await this.store.query(`SELECT "name", "url" FROM "cluster_node" WHERE "heartbeatAt" > $1 ORDER BY "name"`, [at - aliveWithinMs]);
    const leases: LeaseRecord[] = await this.store.query(`SELECT * FROM "camera_lease" ORDER BY "camera"`);
    return { now: at, nodes, leases: leases.map(toLease) };
  }

  async acquire(camera: string, node: string, ttlMs: number, run: CameraRun): Promise<boolean> {
    // One statement: insert, or update only a lease that is ours or over. Row locking makes concurrent takers wait and re-check.
    const rows = await this.store.query(
      `INSERT INTO "camera_lease" ("camera", "node", "expiresAt", "state", "fps", "viewers", "width", "height")
       VALUES ($1, $2, ${DB_NOW_MS} + $3, $4, $5, $6, $7, $8)
       ON CONFLICT ("camera") DO UPDATE SET "node" = EXCLUDED."node", "expiresAt" = EXCLUDED."expiresAt", "state" = EXCLUDED."state",
         "fps" = EXCLUDED."fps", "viewers" = EXCLUDED."viewers", "width" = EXCLUDED."width", "height" = EXCLUDED."height"
       WHERE "camera_lease"."node" = EXCLUDED."node" OR "camera_lease"."expiresAt" <= ${DB_NOW_MS}
       RETURNING "camera"`,
      [camera, node, ttlMs, run.state.slice(0, 16), run.fps, run.viewers, run.width, run.height],
    );
    return rows.length === 1;
  }

  async release(camera: string, node: string): Promise<void> {
    await this.store.query(`DELETE FROM "camera_lease" WHERE "camera" = $1 AND "node" = $2`, [camera, node]);
  }

  async leave(node: string): Promise<void> {
    await this.store.query(`DELETE FROM "cluster_node" WHERE "name" = $1`, [node]);
  }
}

function toLease(row: LeaseRecord): LeaseRow {
  return { camera: row.camera, node: row.node, expiresAt: Number(row.expiresAt), state: row.state, fps: Number(row.fps), viewers: row.viewers, width: row.width, height: row.height };
}
