/**
 * AUTO_ADD_SAMPLES end to end: the real server on the demo video, Tony_Blair enrolled from a photo
 * unlike his view there (0.54–0.60 to it: a new view). With the setting on, that view becomes his
 * second sample without a click, once, with its reasons in the log; with it off (the default), the
 * same view is only suggested and nothing is added.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitUntil } from '../support/console-browser';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';
import { RunningServer, startServer, withAdminKey } from '../support/server-process';

jest.setTimeout(120_000);

/** Tony_Blair is on screen 3 s of every 10 s loop: one appearance comes within 12 s of any moment. */
const ON_CAMERA_MS = 30_000;

interface Person {
  id: number;
  name: string;
  faces: Array<{ id: number; quality: { overall: number } | null }>;
}

async function get<T>(server: RunningServer, path: string): Promise<T> {
  const reply = await fetch(`${server.url}${path}`, { headers: withAdminKey() });
  expect(reply.status).toBe(200);
  return reply.json() as Promise<T>;
}

const tony = async (server: RunningServer) => (await get<Person[]>(server, '/people')).find((p) => p.name === 'Tony_Blair')!;

/** Resolves once a sighting of the person that began after `since` has ended: a whole appearance was seen (and judged). */
async function wholeAppearanceAfter(server: RunningServer, personId: number, since: number): Promise<void> {
  await waitUntil(
    'a whole appearance of Tony_Blair',
    async () => {
      const { items } = await get<{ items: Array<{ firstSeen: string; ongoing: boolean }> }>(server, `/sightings?personId=${personId}`);
      return items.some((s) => Date.parse(s.firstSeen) > since && !s.ongoing);
    },
    ON_CAMERA_MS,
    500,
  );
  // The last view judged is written through a queue: give it a moment.
  await new Promise((r) => setTimeout(r, 1000));
}

describe('AUTO_ADD_SAMPLES (real server, demo video)', () => {
  let facesDir: string;

  beforeAll(() => {
    facesDir = mkdtempSync(join(tmpdir(), 'auto-add-faces-'));
    for (const file of readdirSync(resolve(PROJECT_ROOT, 'faces'))) copyFileSync(resolve(PROJECT_ROOT, 'faces', file), join(facesDir, file));
    copyFileSync(join(TESTDATA, 'video/not-enrolled/Tony_Blair_0007.jpg'), join(facesDir, 'Tony_Blair.jpg'));
  });

  afterAll(() => rmSync(facesDir, { recursive: true, force: true }));

  it('on: adds a clear new view as a sample without a click, once, with its reasons in the log and no admin action in the audit log', async () => {
    const server = await startServer({ FACES_DIR: facesDir, AUTO_ADD_SAMPLES: 'true', SIGHTING_END_AFTER_MS: '1500' });
    try {
      const before = await tony(server);
      expect(before.faces).toHaveLength(1);
      const after = await waitUntil('a second sample of Tony_Blair', async () => ((await tony(server)).faces.length >= 2 ? tony(server) : null), ON_CAMERA_MS, 500);
      const addedAt = Date.now();
      expect(after.faces).toHaveLength(2);
      expect(after.faces[1].quality?.overall).toBeGreaterThan(0);

      // The trail: why it was clear enough (margins over the threshold and the runner-up, quality, the cap), then the enrollment.
      const line = server.output().match(
        /added a sample to Tony_Blair \(#(\d+)\) automatically \(similarity ([\d.]+), threshold ([\d.]+), runner-up ([\d.]+|none), quality ([\d.]+), (\d+) samples now\)/,
      );
      expect(line).not.toBeNull();
      const [, id, similarity, threshold, runnerUp, quality, samples] = line!;
      expect(Number(id)).toBe(before.id);
      expect(Number(similarity)).toBeGreaterThanOrEqual(Number(threshold) + 0.15);
      expect(Number(similarity)).toBeLessThan(0.6); // a new view, not one like his sample
      if (runnerUp !== 'none') expect(Number(similarity) - Number(runnerUp)).toBeGreaterThanOrEqual(0.15);
      expect(Number(quality)).toBeGreaterThanOrEqual(0.75);
      expect(Number(samples)).toBe(2);
      expect(server.output()).toMatch(new RegExp(`added a face to person #${before.id}`));
      process.stdout.write(`auto-add: similarity ${similarity}, threshold ${threshold}, runner-up ${runnerUp}, quality ${quality}\n`);

      // Nobody clicked: the audit log holds no admin change.
      const audit = await get<{ items: Array<{ method: string }> }>(server, '/audit?pageSize=100');
      expect(audit.items.filter((e) => e.method !== 'GET')).toEqual([]);

      // Within the cap: after his next appearance every add logged is a sample, and never more than 5.
      // (A later view unlike both samples may be added too, by the same rules; on a loaded machine other
      // frames are recognised, so how many views qualify varies. An add can commit between the two reads.)
      await wholeAppearanceAfter(server, before.id, addedAt);
      const logged = server.output().match(/automatically \(/g)?.length ?? 0;
      const sampleCount = (await tony(server)).faces.length;
      expect(logged).toBeGreaterThanOrEqual(1);
      expect(sampleCount - 1).toBeGreaterThanOrEqual(logged);
      expect(sampleCount).toBeLessThanOrEqual(5);
    } finally {
      await server.dispose();
    }
  });

  it('off (the default): the same view is only suggested, nothing is added', async () => {
    const server = await startServer({ FACES_DIR: facesDir, SIGHTING_END_AFTER_MS: '1500' });
    try {
      const person = await tony(server);
      const startedAt = Date.now();
      const suggestions = await waitUntil(
        'a suggested sample of Tony_Blair',
        async () => {
          const list = await get<Array<{ similarity: number; quality: { overall: number } }>>(server, `/people/${person.id}/suggestions`);
          return list.length > 0 && list;
        },
        ON_CAMERA_MS,
        500,
      );
      // A view as clear as the one added above: off, it waits for a click.
      expect(suggestions.some((s) => s.quality.overall >= 0.75)).toBe(true);
      await wholeAppearanceAfter(server, person.id, startedAt);
      expect((await tony(server)).faces).toHaveLength(1);
      expect(server.output()).not.toMatch(/automatically \(/);
    } finally {
      await server.dispose();
    }
  });
});
