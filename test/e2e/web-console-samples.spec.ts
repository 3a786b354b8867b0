/**
 * Known people get better with use, through the real server on the demo video and its console in
 * chromium: suggested samples (add, not this person), samples shown with their quality, and
 * correcting a sighting's name (to another person, to Unknown) with the sample that caused it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openConsole, waitUntil } from '../support/console-browser';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';
import { RunningServer, TEST_VIEWER_KEY } from '../support/server-process';

jest.setTimeout(300_000);

const ADMIN_KEY = 'console-samples-test-key';
const ON_CAMERA_MS = 45_000;

interface Person {
  id: number;
  name: string;
  faces: Array<{ id: number; quality: { overall: number } | null }>;
}
interface PersonExport {
  faces: Array<{ id: number; embeddingFloat32Base64: string }>;
  suggestions: Array<{ id: number; embeddingFloat32Base64: string }>;
  rejectedViews: Array<{ id: number; camera: string; embeddingFloat32Base64: string } & Record<string, unknown>>;
}

/** An exported embedding (little-endian float32, base64). */
const vectorOf = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const similarity = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};

interface Suggestion {
  id: number;
  personId: number;
  quality: { size: number; sharpness: number; pose: number; overall: number };
  similarity: number;
  thumbnailUrl: string;
}

describe('known people get better with use (console in chromium)', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  const call = async (method: string, path: string, body?: unknown, key = ADMIN_KEY) => {
    const reply = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await reply.text();
    return { status: reply.status, body: text && reply.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, type: reply.headers.get('content-type') };
  };
  const people = async (): Promise<Person[]> => (await call('GET', '/people')).body;
  const byName = async (name: string) => (await people()).find((p) => p.name === name)!;

  let facesDir: string;

  beforeAll(async () => {
    // The demo people, and Tony_Blair from a photo unlike his views in the video (similarity 0.54–0.60 to
    // them, under the 0.6 that makes a view new): the demo's own photos are 0.62–0.79 like theirs.
    facesDir = mkdtempSync(join(tmpdir(), 'samples-faces-'));
    mkdirSync(facesDir, { recursive: true });
    for (const file of readdirSync(resolve(PROJECT_ROOT, 'faces'))) copyFileSync(resolve(PROJECT_ROOT, 'faces', file), join(facesDir, file));
    copyFileSync(join(TESTDATA, 'video/not-enrolled/Tony_Blair_0007.jpg'), join(facesDir, 'Tony_Blair.jpg'));
    ({ server, browser, page } = await openConsole({ FACES_DIR: facesDir, SIGHTING_END_AFTER_MS: '1500', RATE_LIMIT_WRITE_MAX: '1000' }, ADMIN_KEY));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    rmSync(facesDir, { recursive: true, force: true });
  });

  it('shows each enrolled photo with its quality on the people page', async () => {
    const enrolled = await people();
    expect(enrolled).toHaveLength(5);
    for (const person of enrolled) expect(person.faces[0].quality?.overall).toBeGreaterThan(0);
    await page.click('nav a[href="#people"]');
    await waitUntil('the samples with their quality', async () => (await page.locator('#people-list .sample figcaption').count()) === 5, 10_000);
    const captions = await page.locator('#people-list .sample figcaption').allTextContents();
    expect(captions.every((text) => /^(good|fair|poor) \d+%$/.test(text))).toBe(true);
  });

  it('keeps good new views of recognised people as suggestions; one click adds one, one rejects one for good', async () => {
    // The demo video shows other photos of the people than the enrolled ones; Tony_Blair's differ most.
    const person = await byName('Tony_Blair');
    const suggestions: Suggestion[] = await waitUntil(
      'a suggested sample of Tony_Blair',
      async () => {
        const list: Suggestion[] = (await call('GET', `/people/${person.id}/suggestions`)).body;
        return list.length > 0 && list;
      },
      ON_CAMERA_MS,
      1000,
    );
    for (const s of suggestions) {
      expect(s.personId).toBe(person.id);
      expect(s.quality.overall).toBeGreaterThanOrEqual(0.6);
      expect(s.similarity).toBeLessThan(0.6);
    }
    const thumbnail = await call('GET', suggestions[0].thumbnailUrl);
    expect(thumbnail).toMatchObject({ status: 200, type: 'image/jpeg' });

    // Refusals change nothing: a viewer, another person's suggestion, one that does not exist.
    const other = (await people()).find((p) => p.id !== person.id)!;
    expect((await call('POST', `/people/${person.id}/suggestions/${suggestions[0].id}/accept`, undefined, TEST_VIEWER_KEY)).status).toBe(403);
    expect((await call('POST', `/people/${other.id}/suggestions/${suggestions[0].id}/accept`)).status).toBe(404);
    expect((await call('DELETE', `/people/${person.id}/suggestions/999999`)).status).toBe(404);
    expect((await call('GET', `/people/999999/suggestions`)).status).toBe(404);
    expect((await byName(person.name)).faces).toHaveLength(1);

    const card = page.locator(`#people-list .person[data-person="${person.id}"]`);
    const showCard = async () => {
      await page.reload();
      await page.click('nav a[href="#people"]');
      await waitUntil('the suggestions on the card', async () => (await card.locator('.suggestion').count()) > 0, 15_000);
      return Number(await card.locator('.suggestion').first().getAttribute('data-suggestion'));
    };
    const suggestionIds = async () => ((await call('GET', `/people/${person.id}/suggestions`)).body as Suggestion[]).map((s) => s.id);
    const exported = async (): Promise<PersonExport> => (await call('GET', `/people/${person.id}/export?format=json`)).body;

    // "Add" makes one a sample.
    const added = await showCard();
    await card.locator(`.suggestion[data-suggestion="${added}"] button.accept`).click();
    await waitUntil('the second photo, the suggestion used up', async () => (await byName(person.name)).faces.length === 2 && !(await suggestionIds()).includes(added), 15_000);
    // The new sample came with its quality.
    const newSample = (await byName(person.name)).faces[1];
    expect(newSample.quality?.overall).toBeGreaterThan(0);
    const addedView = vectorOf((await exported()).faces.find((f) => f.id === newSample.id)!.embeddingFloat32Base64);

    // Without that sample his view is new again: the video loops and it is suggested again (what "not this person" must stop).
    expect((await call('DELETE', `/people/${person.id}/faces/${newSample.id}`)).status).toBeLessThan(300);
    await waitUntil('the view suggested again', async () => (await suggestionIds()).length > 0, ON_CAMERA_MS, 1000);
    const again = (await exported()).suggestions;
    process.stdout.write(`the same view one loop later: ${again.map((s) => similarity(vectorOf(s.embeddingFloat32Base64), addedView).toFixed(3)).join(', ')} like it\n`);

    // "Not this person" on the card, and through the API on any other suggestion.
    const rejected = await showCard();
    const shown = (await exported()).suggestions.find((s) => s.id === rejected);
    const rejectButton = card.locator(`.suggestion[data-suggestion="${rejected}"] button.reject`);
    expect(await rejectButton.getAttribute('title')).toBe(`Not ${person.name}: this view will not be suggested again`);
    await rejectButton.click();
    await waitUntil('the suggestion gone', async () => !(await suggestionIds()).includes(rejected), 10_000);
    await waitUntil('the console saying so', async () => /will not be suggested for Tony_Blair again/.test((await page.locator('#toast').textContent()) ?? ''), 5000);
    for (const id of await suggestionIds()) expect((await call('DELETE', `/people/${person.id}/suggestions/${id}`)).status).toBe(204);
    const rejectedAt = Date.now();
    expect((await byName(person.name)).faces).toHaveLength(1);
    // Their embeddings are kept (no picture), and are the person's data: in the export.
    const { rejectedViews, suggestions: left } = await exported();
    expect(left).toEqual([]);
    expect(rejectedViews.length).toBeGreaterThan(0);
    if (shown) expect(rejectedViews.map((v) => v.embeddingFloat32Base64)).toContain(shown.embeddingFloat32Base64);
    expect(rejectedViews.every((v) => Object.keys(v).every((key) => !/photo|thumbnail/i.test(key)))).toBe(true);

    // He stays in view, loop after loop: that view is not suggested again.
    await waitUntil(
      'a whole appearance of Tony_Blair after the rejection',
      async () => ((await call('GET', `/sightings?personId=${person.id}`)).body.items as Array<{ firstSeen: string; ongoing: boolean }>).some((s) => Date.parse(s.firstSeen) > rejectedAt && !s.ongoing),
      ON_CAMERA_MS,
      500,
    );
    await new Promise((r) => setTimeout(r, 1000)); // the last view judged is written through a queue
    const rejectedVectors = rejectedViews.map((v) => vectorOf(v.embeddingFloat32Base64));
    for (const s of (await exported()).suggestions) {
      for (const r of rejectedVectors) expect(similarity(vectorOf(s.embeddingFloat32Base64), r)).toBeLessThan(0.6);
    }
    expect((await byName(person.name)).faces).toHaveLength(1);

    // The undo: an admin forgets the rejections (a viewer may not; nobody's are 404), and the view comes again.
    expect((await call('DELETE', `/people/${person.id}/rejected-views`, undefined, TEST_VIEWER_KEY)).status).toBe(403);
    expect((await call('DELETE', `/people/999999/rejected-views`)).status).toBe(404);
    expect((await exported()).rejectedViews.length).toBeGreaterThan(0);
    expect((await call('DELETE', `/people/${person.id}/rejected-views`)).status).toBe(204);
    expect((await exported()).rejectedViews).toEqual([]);
    await waitUntil('the view suggested once more', async () => (await suggestionIds()).length > 0, ON_CAMERA_MS, 1000);
  });

  it('corrects a sighting’s name in the console: shows the sample that caused it, gives it to someone else', async () => {
    const hugo = await byName('Hugo_Chavez'); // enrolled, never on camera
    const sighting = await waitUntil(
      'a sighting',
      async () => ((await call('GET', '/sightings')).body.items as Array<{ id: number; personId: number; personName: string }>).find((s) => s.personId !== hugo.id),
      ON_CAMERA_MS,
    );
    const named = (await people()).find((p) => p.id === sighting.personId)!;
    // The API names the sample that caused it.
    const evidence = (await call('GET', `/sightings/${sighting.id}`)).body;
    expect(evidence.matchedSample).toMatchObject({ personId: named.id, thumbnailUrl: `/people/${named.id}/faces/${evidence.matchedSample.sampleId}/thumbnail` });
    expect(named.faces.map((f) => f.id)).toContain(evidence.matchedSample.sampleId);

    // Bad corrections: 4xx, nothing changes.
    const refusals = await Promise.all([
      call('POST', `/sightings/${sighting.id}/reassign`, {}),
      call('POST', `/sightings/${sighting.id}/reassign`, { personId: 'x' }),
      call('POST', `/sightings/${sighting.id}/reassign`, { personId: hugo.id, unknown: true }),
      call('POST', `/sightings/${sighting.id}/reassign`, { unknown: false }),
      call('POST', `/sightings/${sighting.id}/reassign`, { personId: 999999 }),
      call('POST', `/sightings/999999/reassign`, { personId: hugo.id }),
      call('POST', `/sightings/${sighting.id}/reassign`, { personId: hugo.id }, TEST_VIEWER_KEY),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 404, 404, 403]);
    expect((await call('GET', `/sightings/${sighting.id}`)).body.personId).toBe(named.id);

    await page.click('nav a[href="#sightings"]');
    const row = page.locator(`#sightings-list .sighting[data-sighting="${sighting.id}"]`);
    await waitUntil('the sighting in the list', () => row.isVisible(), 20_000);
    await row.locator('button.correct').click();
    const sample = row.locator('.correction img.matched-sample');
    await waitUntil('the sample that caused the name', () => sample.isVisible(), 10_000);
    expect(Number(await sample.getAttribute('data-sample'))).toBe(evidence.matchedSample.sampleId);
    expect(await row.locator('.correction button.remove-sample').isVisible()).toBe(true);
    await row.locator('.correction select.correct-to').selectOption(String(hugo.id));
    await row.locator('.correction button[type=submit]').click();
    await waitUntil('the sighting given to Hugo_Chavez', async () => (await call('GET', `/sightings/${sighting.id}`)).body.personId === hugo.id, 10_000);
    expect((await call('GET', `/sightings/${sighting.id}`)).body.personName).toBe('Hugo_Chavez');
    await waitUntil('the confirmation', async () => /Now a sighting of Hugo_Chavez/.test((await row.locator('.correction .message').textContent()) ?? ''), 5000);
  });

  it('sends a wrong sighting to the unknown-faces inbox with its crop, and audits both corrections', async () => {
    const hugo = await byName('Hugo_Chavez');
    const sighting = await waitUntil(
      'another sighting',
      async () => ((await call('GET', '/sightings')).body.items as Array<{ id: number; personId: number }>).find((s) => s.personId !== hugo.id),
      ON_CAMERA_MS,
    );
    const inboxBefore = (await call('GET', '/unknown-faces?pageSize=100')).body.items.map((e: { id: number }) => e.id);
    const reply = await call('POST', `/sightings/${sighting.id}/reassign`, { unknown: true });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ sighting: null, unknownFaceId: expect.any(Number), matchedSample: { personId: sighting.personId } });
    expect(inboxBefore).not.toContain(reply.body.unknownFaceId);
    expect((await call('GET', `/sightings/${sighting.id}`)).status).toBe(404);
    const crop = await call('GET', `/unknown-faces/${reply.body.unknownFaceId}/thumbnail`);
    expect(crop).toMatchObject({ status: 200, type: 'image/jpeg' });
    const audit = (await call('GET', '/audit?pageSize=100')).body.items.map((e: { method: string; route: string; status: number }) => `${e.method} ${e.route} ${e.status}`);
    expect(audit.filter((a: string) => a === 'POST /sightings/:id/reassign 200')).toHaveLength(2);
  });
});
