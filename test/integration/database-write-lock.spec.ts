import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { validateConfig } from '../../src/config/app-config';
import { DatabaseModule } from '../../src/database/database.module';
import { FaceSample } from '../../src/people/entities/face-sample.entity';
import { Person } from '../../src/people/entities/person.entity';
import { PeopleRepository, type NewSample } from '../../src/people/people.repository';
import { PERSON_TRACES } from '../../src/people/person-traces';
import { SightingTraces } from '../../src/sightings/sighting-traces';
import { Sighting } from '../../src/sightings/sighting.entity';
import { SightingsRepository } from '../../src/sightings/sightings.repository';

/**
 * SQLite through TypeORM is one connection: without the shared write lock, a sighting written
 * while an enrollment's transaction is open would run inside it and vanish with its rollback.
 */
describe('database writes of different modules (real SQLite file)', () => {
  let dir: string;
  let context: INestApplicationContext;
  let db: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'write-lock-'));
    const env = { DATA_DIR: dir };
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => validateConfig(env) }),
        DatabaseModule,
        TypeOrmModule.forFeature([Person, FaceSample, Sighting]),
      ],
      providers: [PeopleRepository, SightingsRepository, { provide: PERSON_TRACES, useClass: SightingTraces }],
    }).compile();
    context = await moduleRef.init();
    db = context.get(DataSource);
  });

  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sample: NewSample = {
    embedding: new Float32Array(512).fill(0.044),
    modelId: 'test-model',
    box: { x: 1, y: 2, width: 100, height: 120 },
    files: { photo: 'p.jpg', thumbnail: 't.jpg' },
    photoSha256: 'ab'.repeat(32),
  };
  // Copied per insert: TypeORM writes the new id into the object it is given.
  const sighting = { personId: 1, personName: 'Ada', camera: 'main', firstSeen: 1000, lastSeen: 2000, bestConfidence: 0.9, ongoing: true, thumbnail: null };

  it('keeps a sighting recorded while an enrollment fails and rolls back', async () => {
    await db.query(`CREATE TRIGGER fail_sample BEFORE INSERT ON face_samples BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`);
    try {
      const people = context.get(PeopleRepository);
      const sightings = context.get(SightingsRepository);
      const enrolling = people.createPerson('Grace', sample);
      // Sent once the enrollment's transaction has begun (its first statements are in flight).
      await new Promise((resolve) => setImmediate(resolve));
      const recording = sightings.insert({ ...sighting });
      await expect(enrolling).rejects.toThrow(/injected fault/);
      const id = await recording;
      expect(await db.query('SELECT COUNT(*) AS n FROM people')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT id, personName FROM sightings')).toEqual([{ id, personName: 'Ada' }]);
    } finally {
      await db.query('DROP TRIGGER fail_sample');
    }
  });

  it('commits both when the enrollment succeeds', async () => {
    const [committed, id] = await Promise.all([context.get(PeopleRepository).createPerson('Grace', sample), context.get(SightingsRepository).insert({ ...sighting })]);
    expect(committed.person.name).toBe('Grace');
    expect(await db.query('SELECT COUNT(*) AS n FROM people')).toEqual([{ n: 1 }]);
    expect((await db.query('SELECT id FROM sightings')).map((r: { id: number }) => r.id)).toContain(id);
  });
});
