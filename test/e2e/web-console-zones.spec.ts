/**
 * Privacy zones drawn in the console, in a real browser (Debian's chromium driven by
 * playwright-core) against the built server: an admin clicks a polygon's corners on the camera's
 * picture, closes and saves it (PATCH /cameras/{name} privacyZones), the stream turns black
 * there, the zone is listed, and deleting it brings the picture back.
 */
import { join } from 'node:path';
import { decode } from 'jpeg-js';
import type { Browser, Page } from 'playwright-core';
import { openConsole, OUTPUT, waitUntil } from '../support/console-browser';
import { DEMO_VIDEO } from '../support/paths';
import type { RunningServer } from '../support/server-process';

jest.setTimeout(240_000);

const ADMIN_KEY = 'console-zones-test-key';
/** The zone drawn: the left part of the picture, in fractions (12 % of it). */
const ZONE: Array<[number, number]> = [
  [0.1, 0.1],
  [0.4, 0.1],
  [0.4, 0.5],
  [0.1, 0.5],
];

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000) => waitUntil(what, probe, timeoutMs);

describe('web console: drawing privacy zones on a camera', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  const camera = async () => {
    const reply = await fetch(`${server.url}/cameras/door`, { headers: { 'x-api-key': ADMIN_KEY } });
    return (await reply.json()) as { overrides: { privacyZones?: Array<Array<[number, number]>> } };
  };
  /** Mean brightness (0–255) of the snapshot inside and outside the zone's box. */
  const brightness = async () => {
    const reply = await fetch(`${server.url}/cameras/door/snapshot.jpg`, { headers: { 'x-api-key': ADMIN_KEY } });
    const image = decode(Buffer.from(await reply.arrayBuffer()), { useTArray: true });
    const mean = (inside: boolean) => {
      let sum = 0;
      let count = 0;
      for (let y = 0; y < image.height; y += 4) {
        for (let x = 0; x < image.width; x += 4) {
          const fx = x / image.width;
          const fy = y / image.height;
          // A margin of 2 % on each side of the edge, where JPEG blocks mix both.
          const margin = 0.02;
          const within = fx > 0.1 + margin && fx < 0.4 - margin && fy > 0.1 + margin && fy < 0.5 - margin;
          const outside = fx < 0.1 - margin || fx > 0.4 + margin || fy < 0.1 - margin || fy > 0.5 + margin;
          if (inside ? !within : !outside) continue;
          const i = (y * image.width + x) * 4;
          sum += (image.data[i] + image.data[i + 1] + image.data[i + 2]) / 3;
          count++;
        }
      }
      return sum / count;
    };
    return { inside: mean(true), outside: mean(false) };
  };
  /** Mean brightness (0–255) of the picture the browser shows, inside the zone's box (a margin of 2 % from its edges). */
  const shownInside = () =>
    page.locator('#stream').evaluate((img: HTMLImageElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      const x = Math.round(0.12 * canvas.width);
      const y = Math.round(0.12 * canvas.height);
      const pixels = context.getImageData(x, y, Math.round(0.26 * canvas.width), Math.round(0.36 * canvas.height)).data;
      let sum = 0;
      for (let i = 0; i < pixels.length; i += 4) sum += (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3;
      return sum / (pixels.length / 4);
    });
  /** Clicks the picture at a point given in fractions of the frame (the image is letterboxed). */
  const clickAt = async ([fx, fy]: [number, number]) => {
    const size = await page.locator('#stream').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    const rect = (await page.locator('#stream').boundingBox())!;
    const scale = Math.min(rect.width / size[0], rect.height / size[1]);
    await page.mouse.click(rect.x + (rect.width - size[0] * scale) / 2 + fx * size[0] * scale, rect.y + (rect.height - size[1] * scale) / 2 + fy * size[1] * scale);
  };

  beforeAll(async () => {
    ({ server, browser, page } = await openConsole({ CAMERAS: JSON.stringify([{ name: 'door', source: DEMO_VIDEO }]) }, ADMIN_KEY, 120_000));
    await page.goto(`${server.url}/#cameras/door`);
    await until('the camera page with its picture', () => page.locator('#stream').evaluate((img: HTMLImageElement) => img.naturalWidth > 1));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('starts with no zone, the picture bright everywhere', async () => {
    expect(await page.isVisible('#zones-panel')).toBe(true);
    expect(await page.textContent('#zones-count')).toBe('0');
    expect(await page.textContent('#zones-list')).toMatch(/No zones/);
    expect((await camera()).overrides.privacyZones).toBeUndefined();
    const before = await brightness();
    expect(before.inside).toBeGreaterThan(20);
    expect(await shownInside()).toBeGreaterThan(20);
  });

  it('refuses to close a zone of two corners, with a message, and saves nothing', async () => {
    await page.click('#zone-draw');
    expect(await page.isVisible('#zone-close')).toBe(true);
    await clickAt(ZONE[0]);
    await clickAt(ZONE[1]);
    expect(await page.locator('#zone-overlay .zone-corner').count()).toBe(2);
    await page.click('#zone-close');
    expect(await page.textContent('#zone-message')).toMatch(/at least three corners/);
    await page.click('#zone-cancel');
    expect(await page.locator('#zone-overlay .zone-corner').count()).toBe(0);
    expect(await page.isVisible('#zone-save')).toBe(false);
    expect((await camera()).overrides.privacyZones).toBeUndefined();
  });

  it('draws a zone by clicking its corners, closes and saves it: stored in fractions, listed, black on the stream', async () => {
    await page.click('#zone-draw');
    for (const point of ZONE) await clickAt(point);
    expect(await page.locator('#zone-overlay .zone-corner').count()).toBe(4);
    await page.click('#zone-close');
    expect(await page.textContent('#zones-list')).toMatch(/not saved/);
    await page.click('#zone-save');
    const stored = await until('the zone stored on the camera', async () => (await camera()).overrides.privacyZones);
    expect(stored).toHaveLength(1);
    // Where the clicks landed, within a pixel or two of a 1280×720 frame.
    stored[0].forEach(([x, y], i) => {
      expect(Math.abs(x - ZONE[i][0])).toBeLessThan(0.004);
      expect(Math.abs(y - ZONE[i][1])).toBeLessThan(0.004);
    });
    await until('the zone listed', async () => (await page.textContent('#zones-count')) === '1');
    expect(await page.textContent('#zones-list li')).toMatch(/^Zone 1 · 4 corners · 12 % of the picture/);
    expect(await page.locator('#zone-overlay .zone-saved').count()).toBe(1);
    // The stream is masked there from the next frame on.
    const after = await until('the zone black on the stream', async () => {
      const seen = await brightness();
      return seen.inside < 8 && seen;
    });
    expect(after.outside).toBeGreaterThan(20);
    // And in the browser: the page's stream shows the mask (it reconnects after the change).
    await until('the zone black in the page', async () => (await shownInside()) < 8);
    await page.screenshot({ path: join(OUTPUT, 'console-privacy-zone.png') });
  });

  it('keeps the zone across a reload of the page, and deletes it: the override is gone and the picture comes back', async () => {
    await page.reload();
    await until('the zone listed after a reload', async () => (await page.textContent('#zones-count')) === '1');
    await page.click('#zones-list button[aria-label="Delete zone 1"]'); // the confirm dialog is accepted
    await until('the zone deleted on the camera', async () => (await camera()).overrides.privacyZones === undefined);
    await until('the list empty', async () => /No zones/.test((await page.textContent('#zones-list')) ?? ''));
    expect(await page.locator('#zone-overlay polygon').count()).toBe(0);
    await until('the picture back inside the old zone', async () => (await brightness()).inside > 20);
    await until('and in the page', async () => (await shownInside()) > 20);
  });
});
