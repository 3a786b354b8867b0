/**
 * The web console in a real browser (Debian's chromium driven by playwright-core) against the
 * built server playing the demo video: live view, people, unknown-faces inbox, sightings.
 */
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';
import { openConsole, OUTPUT, waitUntil } from '../support/console-browser';
import type { RunningServer } from '../support/server-process';

jest.setTimeout(240_000);

const ADMIN_KEY = 'console-test-key';
/** Generous: the demo video loops every 10 s and the machine is shared (2 cores). */
const ON_CAMERA_MS = 30_000;

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = ON_CAMERA_MS) => waitUntil(what, probe, timeoutMs, 200);

/** Names in the "In view now" list at this moment. */
function liveNames(page: Page): Promise<string[]> {
  return page.locator('#live-faces .face-name').allTextContents();
}

describe('web console', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ server, browser, page } = await openConsole(
      { FACES_DIR: resolve(PROJECT_ROOT, 'faces'), UNKNOWN_FACE_AFTER_MS: '1000', SIGHTING_END_AFTER_MS: '1500' },
      ADMIN_KEY,
    ));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows the stream, and its frames change', async () => {
    const size = await until('the stream image', () =>
      page.locator('#stream').evaluate((img: HTMLImageElement) => img.naturalWidth > 1 && `${img.naturalWidth}x${img.naturalHeight}`),
    );
    expect(size).toBe('1280x720');
    const first = await page.locator('#stream').screenshot();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await page.locator('#stream').screenshot();
    expect(second.equals(first)).toBe(false);
  });

  it('with one camera, lands on its page; the Cameras view shows it as one tile', async () => {
    const cameras = await (await fetch(`${server.url}/cameras`)).json();
    expect(cameras).toHaveLength(1);
    expect(await page.isVisible('#live')).toBe(true);
    expect(await page.isHidden('#cameras')).toBe(true);
    expect(await page.textContent('#camera-title')).toBe(cameras[0].name);
    expect(await page.getAttribute('#stream', 'src')).toBe(cameras[0].streamUrl);
    await page.click('nav a[href="#cameras"]');
    await until('the grid', () => page.isVisible('#cameras'), 10_000);
    expect(await page.locator('.camera-tile').count()).toBe(1);
    await until('the tile’s picture', () => page.locator('.camera-tile .tile-stream').evaluate((img: HTMLImageElement) => img.naturalWidth > 1));
    await page.click('nav a[href="#live"]');
    await until('the camera page again', () => page.isVisible('#live'), 10_000);
    await until('its stream again', () => page.locator('#stream').evaluate((img: HTMLImageElement) => img.naturalWidth > 1));
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('lists the demo people by name as they come into view, pushed over Socket.IO', async () => {
    const seen = new Set<string>();
    await until('Serena_Williams, Colin_Powell and Junichiro_Koizumi in the live list', async () => {
      for (const name of await liveNames(page)) seen.add(name);
      return ['Serena_Williams', 'Colin_Powell', 'Junichiro_Koizumi'].every((n) => seen.has(n));
    });
    expect(seen.has('Hugo_Chavez')).toBe(false); // enrolled, never on camera
    // The panel's sparklines have data.
    await until('the pipeline figures', async () => (await page.textContent('#chart-fps .value')) !== '–');
  });

  it('shows the API’s error for an invalid upload, and enrolls nobody', async () => {
    const before = await page.locator('#people-list .person').count();
    await page.fill('#enroll-form input[name=name]', 'Nobody');
    await page.setInputFiles('#enroll-form input[name=image]', join(TESTDATA, 'bad/no-face.jpg'));
    await page.click('#enroll-form button');
    await until('the no-face message', async () => /no face found/i.test((await page.textContent('#enroll-message')) ?? ''));
    await page.setInputFiles('#enroll-form input[name=image]', join(TESTDATA, 'bad/not-an-image.jpg'));
    await page.click('#enroll-form button');
    await until('the not-an-image message', async () => /not an image/i.test((await page.textContent('#enroll-message')) ?? ''));
    expect(await page.locator('#people-list .person').count()).toBe(before);
    expect((await (await fetch(`${server.url}/people`)).json()).map((p: { name: string }) => p.name)).not.toContain('Nobody');
  });

  it('picks a face on the stream and shows why it cannot be enrolled under a taken name', async () => {
    // Click the middle of a face's box on the letterboxed image; retried, since faces walk off.
    const picked = await until('a face picked on the stream', async () => {
      const live = await (await fetch(`${server.url}/live/faces`)).json();
      const face = live.faces.find((f: { personId: number | null }) => f.personId !== null) as { name: string; box: number[] } | undefined;
      if (!face) return null;
      const rect = (await page.locator('#stream').boundingBox())!;
      const scale = Math.min(rect.width / live.frameWidth, rect.height / live.frameHeight);
      await page.mouse.click(
        rect.x + (rect.width - live.frameWidth * scale) / 2 + (face.box[0] + face.box[2] / 2) * scale,
        rect.y + (rect.height - live.frameHeight * scale) / 2 + (face.box[1] + face.box[3] / 2) * scale,
      );
      return (await page.isVisible('#pick-panel')) && face;
    });
    expect(await page.textContent('#pick-title')).toMatch(/Enroll this face/);
    await page.fill('#pick-name', picked.name.toUpperCase()); // names are unique without regard to case
    await page.click('#pick-form button[type=submit]');
    await until('a readable refusal', async () => /already exists|not in view/i.test((await page.textContent('#pick-message')) ?? ''));
    await page.click('#pick-cancel');
  });

  it('records sightings and keeps the unknown stranger in the inbox', async () => {
    await until('sightings on the page', async () => (await page.locator('#sightings-list .sighting').count()) >= 2);
    const names = await page.locator('#sightings-list .sighting-name').allTextContents();
    expect(names.every((n) => ['Serena_Williams', 'Colin_Powell', 'Junichiro_Koizumi'].includes(n))).toBe(true);
    const sightings = await (await fetch(`${server.url}/sightings`)).json();
    expect(sightings.total).toBeGreaterThanOrEqual(2);
    // One appearance is one row: far fewer rows than recognised frames.
    expect(sightings.total).toBeLessThan(20);
    await until('an unknown face in the inbox', async () => (await page.locator('#unknown-list .unknown-face').count()) >= 1);
    const thumbnail = await page.locator('#unknown-list .unknown-face img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth);
    expect(thumbnail).toBeGreaterThan(0);
  });

  it('assigns an unknown face to a new person, who is then named on the stream; deleting makes him Unknown again', async () => {
    // Tony_Blair is the only stranger of the demo video: one inbox entry, however often he walks by.
    await until('one inbox entry', async () => (await page.locator('#unknown-list .unknown-face').count()) === 1, 5000);
    const card = page.locator('#unknown-list .unknown-face').first();
    await card.locator('.assign-new input').fill('Visitor_One');
    await card.locator('.assign-new button').click();
    await until('Visitor_One in the people list', async () => (await page.locator('#people-list .person-name').allTextContents()).includes('Visitor_One'));
    await until('an empty inbox', async () => (await page.locator('#unknown-list .unknown-face').count()) === 0);
    await until('Visitor_One named in the live list', async () => (await liveNames(page)).includes('Visitor_One'));

    await page.locator('#people-list .person', { hasText: 'Visitor_One' }).locator('button.danger').click(); // confirm() is accepted
    await until('Visitor_One gone from the people list', async () => !(await page.locator('#people-list .person-name').allTextContents()).includes('Visitor_One'));
    await until('the stranger Unknown again', async () => (await liveNames(page)).includes('Unknown'));
  });

  it('enrolls Tony_Blair through the form; his name then reaches the live list', async () => {
    expect(await liveNames(page)).not.toContain('Tony_Blair');
    await page.fill('#enroll-form input[name=name]', 'Tony_Blair');
    await page.setInputFiles('#enroll-form input[name=image]', join(TESTDATA, 'video/not-enrolled/Tony_Blair_0001.jpg'));
    await page.click('#enroll-form button');
    await until('Tony_Blair in the people list', async () => (await page.locator('#people-list .person-name').allTextContents()).includes('Tony_Blair'));
    expect(await page.textContent('#enroll-message')).toMatch(/Tony_Blair is enrolled/);
    await until('Tony_Blair named in the live list', async () => (await liveNames(page)).includes('Tony_Blair'));
    // His inbox entry (he was Unknown again after Visitor_One was deleted) is resolved by the enrollment.
    await until('the inbox emptied', async () => (await page.locator('#unknown-list .unknown-face').count()) === 0, 10_000);
  });

  it('documents the routes, filters sightings, and refuses bad requests with JSON', async () => {
    const openapi = await (await fetch(`${server.url}/docs/openapi.json`)).json();
    for (const path of ['/sightings', '/sightings/{id}/thumbnail', '/unknown-faces', '/unknown-faces/{id}/assign', '/unknown-faces/{id}', '/live/faces', '/live/faces/{trackId}/enroll', '/live/stats']) {
      expect(Object.keys(openapi.paths)).toContain(path);
    }
    const people = await (await fetch(`${server.url}/people`)).json();
    const colin = people.find((p: { name: string }) => p.name === 'Colin_Powell');
    const only = await (await fetch(`${server.url}/sightings?personId=${colin.id}&pageSize=2`)).json();
    expect(only.items.length).toBeGreaterThan(0);
    expect(only.items.every((s: { personId: number }) => s.personId === colin.id)).toBe(true);
    expect(only.pageSize).toBe(2);
    const future = await (await fetch(`${server.url}/sightings?from=${new Date(Date.now() + 3_600_000).toISOString()}`)).json();
    expect(future.total).toBe(0);
    const thumb = await fetch(`${server.url}${only.items[0].thumbnailUrl}`);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect((await thumb.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const bad = async (method: string, path: string, body?: object) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
        body: body && JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    expect((await bad('GET', '/sightings?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z')).status).toBe(400);
    expect((await bad('GET', '/sightings?pageSize=1000')).status).toBe(400);
    expect(await bad('POST', '/unknown-faces/1/assign', {})).toMatchObject({ status: 400, body: { message: expect.stringMatching(/exactly one/) } });
    expect(await bad('POST', '/unknown-faces/1/assign', { name: 'A', personId: 1 })).toMatchObject({ status: 400 });
    expect(await bad('POST', '/unknown-faces/99999/assign', { name: 'Someone' })).toMatchObject({ status: 404, body: { message: 'unknown face 99999 not found' } });
    expect((await bad('DELETE', '/unknown-faces/99999')).status).toBe(404);
    expect(await bad('POST', '/live/faces/99999/enroll', { name: 'Someone' })).toMatchObject({ status: 404 });
    expect((await bad('POST', '/live/faces/1/enroll', { name: '' })).status).toBe(400);
    expect((await (await fetch(`${server.url}/people`)).json()).map((p: { name: string }) => p.name)).not.toContain('Someone');
  });

  it('looks right at laptop and phone widths (screenshots in test-output/)', async () => {
    await until('sightings of Tony_Blair', async () => (await page.locator('#sightings-list .sighting-name').allTextContents()).includes('Tony_Blair'), ON_CAMERA_MS);
    await page.evaluate(() => window.scrollTo(0, 0));
    await until('thumbnails loaded', () => page.evaluate(() => [...document.images].filter((i) => i.id !== 'stream').every((i) => i.complete && i.naturalWidth > 0)));
    await page.screenshot({ path: join(OUTPUT, 'console-laptop.png'), fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 });
    await phone.goto(server.url);
    await until('the phone page filled', async () => (await phone.locator('#people-list .person').count()) >= 5);
    await until('thumbnails loaded', () => phone.evaluate(() => [...document.images].filter((i) => i.id !== 'stream').every((i) => i.complete && i.naturalWidth > 0)));
    await until('the phone stream', () => phone.locator('#stream').evaluate((img: HTMLImageElement) => img.naturalWidth > 1));
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(OUTPUT, 'console-phone.png'), fullPage: true });
    await phone.close();
  });
});
