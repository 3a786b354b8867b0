import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DatabaseWriteLock } from '../database/database-write-lock';
import { isUniqueViolation } from '../database/query-errors';
import type { CameraPatch } from './camera-definition';
import { CAMERA_OVERRIDE_FIELDS, type CameraDefinition, type CameraOverrides } from './camera-definition.types';
import { CameraRecord, type CameraOrigin } from './camera.entity';

/** A camera with this name already exists. */
export class CameraExistsError extends Error {
  constructor(readonly cameraName: string) {
    super(`a camera named "${cameraName}" already exists`);
    this.name = 'CameraExistsError';
  }
}

/**
 * The database side of cameras. Takes already-validated definitions (see camera-definition.ts).
 * Every write runs under the DatabaseWriteLock: the SQLite connection is shared with the
 * people library's transactions, and a check-then-write (name free?) must not interleave.
 */
@Injectable()
export class CamerasRepository {
  private readonly rows: Repository<CameraRecord>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly lock: DatabaseWriteLock,
  ) {
    this.rows = dataSource.getRepository(CameraRecord);
  }

  /** Every camera, in the order they were added. */
  async all(): Promise<CameraDefinition[]> {
    return (await this.rows.find({ order: { id: 'ASC' } })).map(toDefinition);
  }

  async find(name: string): Promise<CameraDefinition | undefined> {
    const row = await this.rows.findOneBy({ name });
    return row ? toDefinition(row) : undefined;
  }

  /** Adds a camera; throws CameraExistsError when the name is taken. */
  async insert(definition: CameraDefinition, origin: CameraOrigin): Promise<CameraDefinition> {
    return this.lock.run(async () => {
      if (await this.rows.existsBy({ name: definition.name })) throw new CameraExistsError(definition.name);
      try {
        await this.rows.insert(toRecord(definition, origin));
      } catch (error) {
        // The CLI may write the same file from another process: the unique index has the last word.
        if (isUniqueViolation(error)) throw new CameraExistsError(definition.name);
        throw error;
      }
      return this.findOrFail(definition.name);
    });
  }

  /**
   * Changes a camera's source, enabled flag, pin and overrides (`null` removes an override);
   * undefined when there is no such camera. The name never changes: sightings refer to it.
   */
  async update(name: string, patch: CameraPatch): Promise<CameraDefinition | undefined> {
    return this.lock.run(async () => {
      const row = await this.rows.findOneBy({ name });
      if (!row) return undefined;
      const overrides: Record<string, unknown> = { ...row.overrides };
      for (const field of CAMERA_OVERRIDE_FIELDS) {
        if (!(field in patch)) continue;
        const value = patch[field];
        if (value === null || value === undefined) delete overrides[field];
        else overrides[field] = value;
      }
      await this.rows.update(
        { id: row.id },
        {
          source: patch.source ?? row.source,
          enabled: patch.enabled ?? row.enabled,
          node: patch.node === undefined ? row.node : patch.node,
          overrides: overrides as CameraOverrides,
        },
      );
      return this.findOrFail(name);
    });
  }

  /** Deletes a camera; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const result = await this.lock.run(() => this.rows.delete({ name }));
    return (result.affected ?? 0) > 0;
  }

  /**
   * Seeds the table with the configured cameras not stored yet (by name) and returns all cameras.
   * A stored camera is left as it is, even if its configuration changed: after the first start
   * the database (edited through the API) is the truth.
   */
  async ensure(definitions: CameraDefinition[], origin: CameraOrigin = 'config'): Promise<CameraDefinition[]> {
    await this.lock.run(async () => {
      const stored = new Set((await this.rows.find({ select: { name: true } })).map((row) => row.name));
      const missing = definitions.filter((definition) => !stored.has(definition.name));
      // One statement: all of them or none; a name another node (same store) seeded meanwhile is left as it is.
      if (missing.length > 0) await this.rows.createQueryBuilder().insert().values(missing.map((definition) => toRecord(definition, origin))).orIgnore().execute();
    });
    return this.all();
  }

  private async findOrFail(name: string): Promise<CameraDefinition> {
    return toDefinition(await this.rows.findOneByOrFail({ name }));
  }
}

function toRecord(definition: CameraDefinition, origin: CameraOrigin): Omit<CameraRecord, 'id'> {
  return { name: definition.name, source: definition.source, enabled: definition.enabled, node: definition.node ?? null, overrides: pickOverrides(definition), origin, createdAt: Date.now() };
}

function toDefinition(row: CameraRecord): CameraDefinition {
  return { name: row.name, source: row.source, enabled: row.enabled, ...(row.node ? { node: row.node } : {}), ...pickOverrides(row.overrides ?? {}) };
}

/** The override fields that are set, in documentation order (nothing else is stored or returned). */
function pickOverrides(from: CameraOverrides): CameraOverrides {
  const overrides: Record<string, unknown> = {};
  for (const field of CAMERA_OVERRIDE_FIELDS) {
    if (from[field] !== undefined && from[field] !== null) overrides[field] = from[field];
  }
  return overrides as CameraOverrides;
}
