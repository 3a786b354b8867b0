import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Subject } from 'rxjs';
import { EventBus } from '../../src/events/event-bus';
import { GallerySyncService, RESYNC_ORIGIN } from '../../src/library-sync/gallery-sync.service';
import { LibraryChange, LibraryChangesPort, parseLibraryChange } from '../../src/library-sync/library-changes.port';
import { fingerprintOf, nameHashOf, type LibraryFingerprint } from '../../src/library-sync/library-fingerprint';
import { Scheduler } from '../../src/retention/scheduler';
import type { Person } from '../../src/people/entities/person.entity';
import type { PeopleRepository } from '../../src/people/people.repository';
import { PeopleService } from '../../src/people/people.service';
import { GalleryService } from '../../src/recognition/gallery.service';

const MODEL = 'model-a';
const NODE = 'node-1';

/** The channel between nodes, in memory: what this node published, and what it hears. */
class FakeLibraryChanges extends LibraryChangesPort {
  readonly published: LibraryChange[] = [];
  readonly heard = new Subject<LibraryChange>();
  readonly listening = new Subject<void>();
  readonly changes$ = this.heard.asObservable();
  readonly listening$ = this.listening.asObservable();
  failing = false;
  /** What the store's fingerprint query answers: computed from the fake store, as the SQL does from the tables. */
  store?: FakeStore;
  fingerprints = 0;

  async publish(change: LibraryChange): Promise<void> {
    if (this.failing) throw new Error('connection terminated');
    this.published.push(change);
  }

  async fingerprint(modelId: string): Promise<LibraryFingerprint> {
    this.fingerprints++;
    const people = [...this.store!.people.values()];
    const sampleIds = people.flatMap((person) => person.samples.filter((sample) => sample.modelId === modelId).map((sample) => sample.id));
    return fingerprintOf(people.map((person) => ({ personId: person.id, name: person.name })), sampleIds);
  }
}

/** Jobs run when the test says. */
class FakeScheduler extends Scheduler {
  readonly jobs = new Map<string, { ms: number; job: () => void }>();
  every(name: string, ms: number, job: () => void) {
    this.jobs.set(name, { ms, job });
    return () => void this.jobs.delete(name);
  }
}

/** The shared store as the people repository reads it: what other nodes committed. */
class FakeStore {
  people = new Map<number, Person>();
  reads = 0;

  put(id: number, name: string, samples: Array<{ id: number; vector: number[]; modelId?: string }>): void {
    const person = { id, name, samples: samples.map((s) => ({ id: s.id, embedding: unit(s.vector), modelId: s.modelId ?? MODEL })) };
    this.people.set(id, person as unknown as Person);
  }
  async findOne(id: number) {
    this.reads++;
    return this.people.get(id) ?? null;
  }
  async findAll() {
    this.reads++;
    return [...this.people.values()];
  }
}

function unit(vector: number[]): Float32Array {
  const norm = Math.hypot(...vector);
  return Float32Array.from(vector, (x) => x / norm);
}

const POLICY = { threshold: 0.9, margin: 0 };
const flush = () => new Promise((resolve) => setImmediate(resolve));

function build() {
  const store = new FakeStore();
  const changes = new FakeLibraryChanges();
  changes.store = store;
  const scheduler = new FakeScheduler();
  const gallery = new GalleryService();
  gallery.reset(3);
  const events = new EventBus();
  const config = { get: (key: string) => ({ NODE_NAME: NODE, ENROLL_MIN_FACE_PX: 40, LIBRARY_CHECK_INTERVAL_S: 60 })[key] } as unknown as ConfigService;
  // The real people service (its gallery loading is what the sync reuses); only the store is fake.
  const people = new PeopleService(
    store as unknown as PeopleRepository,
    {} as never,
    { engine: { modelId: MODEL } } as never,
    gallery,
    {} as never,
    config as never,
    events,
  );
  const sync = new GallerySyncService(changes, people, events, config as never, scheduler);
  sync.settleMs = 5;
  return { store, changes, gallery, events, people, sync, scheduler };
}

describe('GallerySyncService', () => {
  it('puts a person another node enrolled into the gallery, names them, then follows their rename and erasure', async () => {
    const { store, changes, gallery } = build();
    store.put(7, 'Ada', [{ id: 70, vector: [1, 0, 0] }]);
    changes.heard.next({ personId: 7, kind: 'added', origin: 'node-2' });
    await flush();
    expect(gallery.nameOf(7)).toBe('Ada');
    expect(gallery.match(unit([1, 0.05, 0]), POLICY)).toMatchObject({ personId: 7, name: 'Ada' });

    store.put(7, 'Ada L', [{ id: 70, vector: [1, 0, 0] }, { id: 71, vector: [0, 1, 0] }]);
    changes.heard.next({ personId: 7, kind: 'renamed', origin: 'node-2' });
    await flush();
    expect(gallery.nameOf(7)).toBe('Ada L');
    expect(gallery.size).toBe(2); // replaced, not added twice

    store.put(7, 'Ada L', [{ id: 71, vector: [0, 1, 0] }]);
    changes.heard.next({ personId: 7, kind: 'faces', origin: 'node-2' });
    await flush();
    expect(gallery.size).toBe(1);
    expect(gallery.match(unit([1, 0, 0]), POLICY).personId).toBeNull();

    store.people.delete(7);
    changes.heard.next({ personId: 7, kind: 'removed', origin: 'node-2' });
    await flush();
    expect(gallery.nameOf(7)).toBeUndefined();
    expect(gallery.size).toBe(0);
  });

  it("tells this node's channels about another node's change (an erasure above all), without sending it back out", async () => {
    const { store, changes, gallery, events } = build();
    const told: unknown[] = [];
    events.on('person.changed').subscribe((event) => told.push(event));
    store.put(4, 'Tim', [{ id: 40, vector: [1, 0, 0] }]);
    changes.heard.next({ personId: 4, kind: 'added', origin: 'node-2' });
    changes.heard.next({ personId: 4, kind: 'faces', origin: 'node-2' });
    await flush();
    store.people.delete(4);
    changes.heard.next({ personId: 4, kind: 'removed', origin: 'node-3' });
    await flush();
    expect(gallery.nameOf(4)).toBeUndefined();
    expect(told).toEqual([
      { personId: 4, name: 'Tim', change: 'added', origin: 'node-2' },
      { personId: 4, name: 'Tim', change: 'removed', origin: 'node-3' },
    ]);
    expect(changes.published).toEqual([]);
  });

  it('ignores its own notifications (the gallery holds the change already)', async () => {
    const { store, changes, gallery } = build();
    store.put(3, 'Grace', [{ id: 30, vector: [0, 0, 1] }]);
    changes.heard.next({ personId: 3, kind: 'added', origin: NODE });
    await flush();
    expect(store.reads).toBe(0);
    expect(gallery.nameOf(3)).toBeUndefined();
  });

  it('tells the other nodes about every committed local change, with its own name as origin', async () => {
    const { changes, events } = build();
    events.emit('person.changed', { personId: 1, name: 'Ada', change: 'added' });
    events.emit('person.faces-changed', { personId: 1 });
    events.emit('person.changed', { personId: 1, name: 'Ada L', change: 'renamed' });
    events.emit('person.changed', { personId: 1, name: 'Ada L', change: 'removed' });
    await flush();
    expect(changes.published).toEqual([
      { personId: 1, kind: 'added', origin: NODE },
      { personId: 1, kind: 'faces', origin: NODE },
      { personId: 1, kind: 'renamed', origin: NODE },
      { personId: 1, kind: 'removed', origin: NODE },
    ]);
  });

  it('a notification that cannot be sent is logged, never thrown into the request that made the change', async () => {
    const { changes, events } = build();
    changes.failing = true;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(() => events.emit('person.changed', { personId: 1, name: 'Ada', change: 'added' })).not.toThrow();
    await flush();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not tell the other nodes that person #1 was added'));
    warn.mockRestore();
  });

  it('after (re)listening, makes the gallery exactly the store: changes missed meanwhile are not lost', async () => {
    const { store, changes, gallery, events } = build();
    const told: unknown[] = [];
    events.on('person.changed').subscribe((event) => told.push(event));
    gallery.setPerson(1, 'Ada', [{ sampleId: 10, embedding: unit([1, 0, 0]) }]);
    gallery.setPerson(2, 'Grace', [{ sampleId: 20, embedding: unit([0, 1, 0]) }]);
    // While this node was not listening: Ada erased, Grace renamed, Linus enrolled (and one face of another model).
    store.put(2, 'Grace H', [{ id: 20, vector: [0, 1, 0] }]);
    store.put(3, 'Linus', [{ id: 30, vector: [0, 0, 1] }, { id: 31, vector: [1, 1, 0], modelId: 'model-b' }]);
    changes.listening.next();
    await flush();
    expect(gallery.personIds().sort()).toEqual([2, 3]);
    expect(gallery.nameOf(2)).toBe('Grace H');
    expect(gallery.size).toBe(2);
    expect(gallery.match(unit([0, 0, 1]), POLICY)).toMatchObject({ personId: 3, name: 'Linus' });
    expect(gallery.match(unit([1, 0, 0]), POLICY).personId).toBeNull();
    // Ada's erasure was missed: this node's channels hear of it now.
    expect(told).toEqual([{ personId: 1, name: 'Ada', change: 'removed', origin: RESYNC_ORIGIN }]);
    expect(changes.published).toEqual([]);
  });

  it('every LIBRARY_CHECK_INTERVAL_S compares fingerprints: equal, nothing is reloaded; a change never heard of, the gallery is reloaded', async () => {
    const { store, changes, gallery, sync, scheduler } = build();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    store.put(1, 'Ada', [{ id: 10, vector: [1, 0, 0] }, { id: 11, vector: [0, 1, 0], modelId: 'model-b' }]);
    store.put(2, 'Grace', [{ id: 20, vector: [0, 1, 0] }]);
    changes.listening.next();
    await flush();
    sync.onApplicationBootstrap();
    const check = scheduler.jobs.get('library-check')!;
    expect(check.ms).toBe(60_000);
    const readsInStep = store.reads;
    check.job();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changes.fingerprints).toBe(1);
    expect(store.reads).toBe(readsInStep); // the same: no reload

    // Each kind of change that could be missed: a rename, a face added, a face swapped, someone enrolled, someone erased.
    const missed: Array<() => void> = [
      () => store.put(2, 'Grace H', [{ id: 20, vector: [0, 1, 0] }]),
      () => store.put(2, 'Grace H', [{ id: 20, vector: [0, 1, 0] }, { id: 21, vector: [0, 0, 1] }]),
      () => store.put(2, 'Grace H', [{ id: 20, vector: [0, 1, 0] }, { id: 22, vector: [0, 0, 1] }]),
      () => store.put(3, 'Linus', [{ id: 30, vector: [1, 1, 0] }]),
      () => store.people.delete(1),
    ];
    for (const change of missed) {
      change();
      const reads = store.reads;
      expect(await sync.check()).toBe(true);
      expect(store.reads).toBe(reads + 1); // one full reload
      expect(await sync.check()).toBe(false); // and in step again
    }
    expect(gallery.personIds().sort()).toEqual([2, 3]);
    expect(gallery.nameOf(2)).toBe('Grace H');
    expect(gallery.size).toBe(3);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('the gallery is not what the store holds'));
    warn.mockRestore();
  });

  it('a difference gone at the second look (a change on its way) reloads nothing; a failing check is logged, never thrown', async () => {
    const { store, changes, sync } = build();
    store.put(1, 'Ada', [{ id: 10, vector: [1, 0, 0] }]);
    changes.listening.next();
    await flush();
    // Another node's enrollment, committed: its notification arrives while the check settles.
    store.put(4, 'Tim', [{ id: 40, vector: [0, 0, 1] }]);
    sync.settleMs = 30;
    setTimeout(() => changes.heard.next({ personId: 4, kind: 'added', origin: 'node-2' }), 5);
    const reads = store.reads;
    expect(await sync.check()).toBe(false);
    expect(store.reads).toBe(reads + 1); // Tim's own reload, not everyone's

    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    changes.fingerprint = async () => {
      throw new Error('connection terminated');
    };
    expect(await sync.check()).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not compare the gallery with the store: connection terminated'));
    warn.mockRestore();
  });

  it('the destroyed module stops its checks', async () => {
    const { sync, scheduler } = build();
    sync.onApplicationBootstrap();
    expect(scheduler.jobs.has('library-check')).toBe(true);
    await sync.onModuleDestroy();
    expect(scheduler.jobs.size).toBe(0);
  });

  it('stops hearing changes when the module is destroyed', async () => {
    const { store, changes, gallery, sync } = build();
    await sync.onModuleDestroy();
    store.put(5, 'Tim', [{ id: 50, vector: [1, 0, 0] }]);
    changes.heard.next({ personId: 5, kind: 'added', origin: 'node-2' });
    await flush();
    expect(gallery.nameOf(5)).toBeUndefined();
  });
});

describe('library fingerprints', () => {
  it('hash a name with its person, as 32 bits', () => {
    expect(nameHashOf(1, 'Ada')).toBe(550770400); // the first 8 hex digits of md5("1:Ada")
    expect(nameHashOf(1, 'Ada')).not.toBe(nameHashOf(2, 'Ada'));
    expect(nameHashOf(1, 'Ada')).not.toBe(nameHashOf(1, 'Ada L'));
    expect(nameHashOf(1, 'Zoë')).toBeLessThan(2 ** 32);
    expect(fingerprintOf([], [])).toEqual({ people: 0, nameHash: 0, samples: 0, sampleIdSum: 0 });
    expect(fingerprintOf([{ personId: 1, name: 'Ada' }], [10, 11])).toEqual({ people: 1, nameHash: nameHashOf(1, 'Ada'), samples: 2, sampleIdSum: 21 });
  });
});

describe('parseLibraryChange', () => {
  it('reads a change and refuses anything else (any database client may notify the channel)', () => {
    expect(parseLibraryChange('{"personId":4,"kind":"renamed","origin":"b"}')).toEqual({ personId: 4, kind: 'renamed', origin: 'b' });
    for (const junk of [undefined, '', 'x', 'null', '[]', '{"personId":"4","kind":"added","origin":"b"}', '{"personId":0,"kind":"added","origin":"b"}', '{"personId":4,"kind":"exploded","origin":"b"}', '{"personId":4,"kind":"added","origin":""}']) {
      expect(parseLibraryChange(junk)).toBeNull();
    }
  });
});
