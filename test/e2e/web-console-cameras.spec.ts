/**
 * The console with several cameras, in a real browser (Debian's chromium driven by playwright-core)
 * against the built server with two cameras (CAMERAS): the grid, a camera's page, adding and
 * removing cameras, sightings filtered by camera.
 */
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_VIDEO, PROJECT_ROOT, TESTDATA } from '../support/paths';
import { openConsole, OUTPUT, waitUntil } from '../support/console-browser';
import type { RunningServer } from '../support/server-process';

jest.setTimeout(300_000);

const ADMIN_KEY = 'console-cameras-test-key';
const SYNTH_VIDEO = resolve(TESTDATA, 'video/synth_720p.mp4');
/** The enrolled people both videos show. */
const ON_CAMERA = ['Serena_Williams', 'Colin_Powell', 'Junichiro_Koizumi'];
/** Generous: two cameras share the 2 cores with other test runs. */
const ON_CAMERA_MS = 60_000;

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = ON_CAMERA_MS) => waitUntil(what, probe, timeoutMs);

const tile = (name: string) => `.camera-tile[data-camera="${name}"]`;
const tileNames = (page: Page) => page.locator('.camera-tile').evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.camera));
/** The image's size once a real frame is shown (a stopped image is a 1×1 blank). */
const frameSize = (page: Page, selector: string) =>
  page.locator(selector).evaluate((img: HTMLImageElement) => img.naturalWidth > 1 && `${img.naturalWidth}x${img.naturalHeight}`);

describe('web console with several cameras', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  const apiCall = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: body && JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    ({ server, browser, page } = await openConsole(
      {
        FACES_DIR: resolve(PROJECT_ROOT, 'faces'),
        SIGHTING_END_AFTER_MS: '1500',
        CAMERAS: JSON.stringify([
          { name: 'front', source: DEMO_VIDEO },
          { name: 'back', source: SYNTH_VIDEO },
        ]),
      },
      ADMIN_KEY,
      180_000,
    ));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('lands on the grid: one tile per camera, each showing its live picture and state', async () => {
    await until('two tiles', async () => (await page.locator('.camera-tile').count()) === 2, 20_000);
    expect(await tileNames(page)).toEqual(['front', 'back']);
    expect(await page.isVisible('#cameras')).toBe(true);
    expect(await page.isHidden('#live')).toBe(true);
    for (const name of ['front', 'back']) {
      expect(await until(`${name}'s picture`, () => frameSize(page, `${tile(name)} .tile-stream`))).toBe('1280x720');
      expect(await page.getAttribute(`${tile(name)} .tile-stream`, 'src')).toBe(`/cameras/${name}/stream`);
      await until(`${name} shown live`, async () => (await page.textContent(`${tile(name)} .state`)) === 'Live');
    }
    expect(await page.textContent('#cameras-count')).toBe('2');
  });

  it('shows who is in view of each camera, pushed over Socket.IO', async () => {
    for (const name of ['front', 'back']) {
      const seen = await until(`a known name on ${name}'s tile`, async () => {
        const names = await page.locator(`${tile(name)} .tile-face.known`).allTextContents();
        return names.find((n) => ON_CAMERA.includes(n));
      });
      expect(ON_CAMERA).toContain(seen);
    }
  });

  it('opens a camera’s page: its stream large, its faces, its figures; the grid’s streams stop meanwhile', async () => {
    await page.click(`${tile('back')} .tile-name`);
    await until('the camera page', async () => (await page.isVisible('#live')) && (await page.isHidden('#cameras')), 10_000);
    expect(await page.evaluate(() => location.hash)).toBe('#cameras/back');
    expect(await page.textContent('#camera-title')).toBe('back');
    expect(await until('the page stream', () => frameSize(page, '#stream'))).toBe('1280x720');
    expect(await page.getAttribute('#stream', 'src')).toBe('/cameras/back/stream');
    const seen = await until('a known face in the list', async () => (await page.locator('#live-faces .face-name').allTextContents()).find((n) => ON_CAMERA.includes(n)));
    expect(ON_CAMERA).toContain(seen);
    // Picking a face on this camera's stream picks it from this camera's faces (track ids are unique across cameras).
    const picked = await until('a face of back picked on its stream', async () => {
      const live = await (await fetch(`${server.url}/live/faces?camera=back`)).json();
      const face = live.faces.find((f: { personId: number | null }) => f.personId !== null) as { name: string; trackId: number; box: number[] } | undefined;
      if (!face) return null;
      const rect = (await page.locator('#stream').boundingBox())!;
      const scale = Math.min(rect.width / live.frameWidth, rect.height / live.frameHeight);
      await page.mouse.click(
        rect.x + (rect.width - live.frameWidth * scale) / 2 + (face.box[0] + face.box[2] / 2) * scale,
        rect.y + (rect.height - live.frameHeight * scale) / 2 + (face.box[1] + face.box[3] / 2) * scale,
      );
      return (await page.isVisible('#pick-panel')) && face;
    });
    expect(await page.textContent('#pick-detail')).toContain(`#${picked.trackId}`);
    await page.fill('#pick-name', picked.name.toUpperCase()); // taken: names are unique without regard to case
    await page.click('#pick-form button[type=submit]');
    await until('a readable refusal', async () => /already exists|not in view/i.test((await page.textContent('#pick-message')) ?? ''), 15_000);
    await page.click('#pick-cancel');
    await until('the camera’s figures', async () => (await page.locator('#camera-figures dd').count()) > 0, 15_000);
    expect(await page.locator('#camera-figures dt').allTextContents()).toContain('State');
    // The tiles no longer hold stream connections (a browser has only 6 per server).
    expect(await page.locator('.tile-stream').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).src.startsWith('data:')))).toBe(true);
    await until('only this page watching', async () => {
      const cameras = (await apiCall('GET', '/cameras')).body as Array<{ name: string; viewers: number }>;
      return cameras.find((c) => c.name === 'front')?.viewers === 0 && cameras.find((c) => c.name === 'back')?.viewers === 1;
    }, 15_000);
    await page.screenshot({ path: join(OUTPUT, 'console-camera-page.png'), fullPage: false });

    await page.click('#camera-back');
    await until('the grid again', async () => page.isVisible('#cameras'), 10_000);
    await until('the tiles streaming again', () => frameSize(page, `${tile('front')} .tile-stream`));
    expect(await page.getAttribute('#stream', 'src')).toMatch(/^data:/);
  });

  it('shows the API’s message for a bad camera name, and adds nothing', async () => {
    const refused = await apiCall('POST', '/cameras', { name: 'Bad Name!', source: DEMO_VIDEO });
    expect(refused.status).toBe(400);
    expect(String(refused.body.message)).toMatch(/name/i);
    await page.fill('#camera-form input[name=name]', 'Bad Name!');
    await page.fill('#camera-form input[name=source]', DEMO_VIDEO);
    await page.click('#camera-form button[type=submit]');
    const shown = await until('the refusal', async () => {
      const message = page.locator('#camera-message.error');
      return (await message.count()) > 0 && (await message.textContent());
    }, 10_000);
    const apiMessage = [refused.body.message].flat().join('; ');
    expect(shown.toLowerCase()).toBe(apiMessage.toLowerCase());
    expect(await page.locator('.camera-tile').count()).toBe(2);
    expect(((await apiCall('GET', '/cameras')).body as unknown[]).length).toBe(2);
  });

  it('adds a camera through the form, then removes it with its tile’s button', async () => {
    await page.fill('#camera-form input[name=name]', 'side');
    await page.fill('#camera-form input[name=source]', DEMO_VIDEO);
    expect(await page.isChecked('#camera-form input[name=enabled]')).toBe(true);
    await page.click('#camera-form button[type=submit]');
    await until('a third tile', async () => (await tileNames(page)).includes('side'), 20_000);
    expect(await page.textContent('#camera-message')).toMatch(/side is added/);
    expect(await page.inputValue('#camera-form input[name=name]')).toBe('');
    expect(await until('the new camera’s picture', () => frameSize(page, `${tile('side')} .tile-stream`))).toBe('1280x720');
    await page.screenshot({ path: join(OUTPUT, 'console-cameras-three.png'), fullPage: false });

    await page.click(`${tile('side')} .tile-remove`); // confirm() is accepted
    await until('the tile gone', async () => !(await tileNames(page)).includes('side'), 20_000);
    expect(((await apiCall('GET', '/cameras')).body as Array<{ name: string }>).map((c) => c.name)).toEqual(['front', 'back']);
  });

  it('follows cameras added and removed by others (the `cameras` event)', async () => {
    const added = await apiCall('POST', '/cameras', { name: 'porch', source: DEMO_VIDEO, enabled: false });
    expect(added.status).toBe(201);
    await until('the porch tile', async () => (await tileNames(page)).includes('porch'), 15_000);
    await until('shown as disabled', async () => (await page.textContent(`${tile('porch')} .state`)) === 'Disabled', 10_000);
    expect(await page.getAttribute(`${tile('porch')} .tile-stream`, 'src')).toMatch(/^data:/);
    expect((await apiCall('DELETE', '/cameras/porch')).status).toBe(204);
    await until('the porch tile gone', async () => !(await tileNames(page)).includes('porch'), 15_000);
  });

  it('filters sightings by camera and shows each row’s camera', async () => {
    await until('sightings on both cameras', async () => {
      const counts = await Promise.all(['front', 'back'].map(async (name) => (await apiCall('GET', `/sightings?camera=${name}`)).body.total));
      return counts.every((n) => n > 0);
    });
    const options = await page.locator('#sightings-camera option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(['', 'front', 'back']);
    for (const name of ['front', 'back']) {
      await page.selectOption('#sightings-camera', name);
      await until(`only ${name}'s sightings`, async () => {
        const cameras = await page.locator('#sightings-list .sighting-camera').allTextContents();
        return cameras.length > 0 && cameras.every((c) => c === name);
      }, 15_000);
      const expected = (await apiCall('GET', `/sightings?camera=${name}`)).body;
      expect(expected.items.every((s: { camera: string }) => s.camera === name)).toBe(true);
    }
    // Every camera: the count is every camera's together — including `side`, added and removed by an
    // earlier test, whose sightings stay in the history — and the rows are the newest of any (one busy
    // camera may fill the first page, so compare with the API rather than expect both).
    await page.selectOption('#sightings-camera', '');
    await until('every camera’s sightings', async () => {
      const [front, back, side, all] = await Promise.all(['?camera=front', '?camera=back', '?camera=side', '?pageSize=15'].map(async (q) => (await apiCall('GET', `/sightings${q}`)).body));
      const shown = await page.locator('#sightings-list .sighting-camera').allTextContents();
      const count = Number(await page.textContent('#sightings-count'));
      return all.total === front.total + back.total + side.total && count === all.total && shown.join() === all.items.map((s: { camera: string }) => s.camera).join();
    }, 15_000);
  });

  it('looks right at laptop and phone widths (screenshots in test-output/)', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await until('thumbnails loaded', () => page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('img.thumb')].every((i) => i.complete && i.naturalWidth > 0)), 20_000);
    await page.screenshot({ path: join(OUTPUT, 'console-cameras-laptop.png'), fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 });
    await phone.goto(server.url);
    await until('the phone grid', async () => (await phone.locator('.camera-tile').count()) > 0);
    expect(await tileNames(phone)).toEqual(['front', 'back']);
    for (const name of ['front', 'back']) await until(`${name} on the phone`, () => frameSize(phone, `${tile(name)} .tile-stream`));
    await until('thumbnails loaded', () => phone.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('img.thumb')].every((i) => i.complete && i.naturalWidth > 0)), 20_000);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(OUTPUT, 'console-cameras-phone.png'), fullPage: true });
    await phone.goto(`${server.url}/#cameras/front`);
    await until('the phone camera page', () => frameSize(phone, '#stream'));
    expect(await phone.textContent('#camera-title')).toBe('front');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(OUTPUT, 'console-camera-phone.png'), fullPage: false });
    await phone.close();
  });
});
