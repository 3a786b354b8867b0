/**
 * Signing in to the console in a real browser (Debian's chromium driven by playwright-core),
 * with the defaults: reads need a key, so the page and the stream need a session.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CHROMIUM, OUTPUT, signIn, waitUntil } from '../support/console-browser';
import { RunningServer, startServer } from '../support/server-process';

jest.setTimeout(180_000);

const streamShown = (page: Page) =>
  waitUntil('the stream image', () => page.locator('#stream').evaluate((img: HTMLImageElement) => img.naturalWidth > 1 && `${img.naturalWidth}x${img.naturalHeight}`), 30_000, 200);

describe('console login', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    [server, browser] = await Promise.all([startServer({ PUBLIC_READS: '' }), chromium.launch({ executablePath: CHROMIUM, headless: true })]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('sends a browser without a session to the login page; a wrong key is refused there', async () => {
    await page.goto(server.url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: join(OUTPUT, 'console-login.png') });
    await page.fill('#key', 'not-a-key-of-this-server');
    await page.click('#login-form button');
    await page.waitForURL(/error=invalid/);
    expect(await page.textContent('#login-message')).toBe('That key is not valid.');
    expect(await context.cookies()).toEqual([]);
  });

  it('signs a viewer in: the stream shows with the cookie alone, admin controls are hidden, scripts cannot read the cookie', async () => {
    await signIn(page, server.url, server.viewerKey);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await streamShown(page)).toBe('1280x720');
    await waitUntil('the role', async () => (await page.textContent('#account-role')) === 'Viewer', 10_000);
    expect(await page.isHidden('#enroll-form')).toBe(true);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'fs_session', httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('fs_session');
    await waitUntil('the Socket.IO connection', async () => (await page.textContent('#connection')) === 'Live', 15_000);
    // The viewer's session cannot change anything.
    const status = await page.evaluate(() => fetch('/people/1', { method: 'DELETE' }).then((r) => r.status));
    expect(status).toBe(403);
  });

  it('signs out: the cookie is gone and the console asks for a key again', async () => {
    await page.click('#account-menu summary');
    await Promise.all([page.waitForURL(/\/login\?reason=signed-out/), page.click('#logout-form button')]);
    expect(await page.textContent('#login-message')).toBe('You are signed out.');
    expect(await context.cookies()).toEqual([]);
    await page.goto(server.url);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('brings a browser that opened a camera\u2019s stream back to it after signing in (as admin)', async () => {
    await page.goto(`${server.url}/cameras/main/stream`);
    const login = new URL(page.url());
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('next')).toBe('/cameras/main/stream');
    await page.fill('#key', server.adminKey);
    // The stream never finishes loading: wait for the address only.
    await Promise.all([page.waitForURL(/\/cameras\/main\/stream$/, { waitUntil: 'commit' }), page.click('#login-form button')]);
    await page.goto(server.url);
    await waitUntil('the role', async () => (await page.textContent('#account-role')) === 'Admin', 10_000);
    expect(await page.isVisible('#enroll-form')).toBe(true);
  });

  it('gives an admin a signed link to the camera’s stream that works in a browser without a session', async () => {
    await streamShown(page);
    await page.click('#embed-link');
    await waitUntil('the link', () => page.isVisible('#embed-url'), 10_000);
    const link = await page.inputValue('#embed-url');
    expect(link).toMatch(new RegExp(`^${server.url}/cameras/main/stream\\?token=[\\w-]{43}&expires=\\d+$`));
    const stranger = await browser.newContext();
    const embedded = await stranger.newPage();
    await embedded.setContent(`<img id="cam" src="${link}">`);
    await waitUntil('the embedded stream', () => embedded.locator('#cam').evaluate((img: HTMLImageElement) => img.naturalWidth > 1), 30_000, 200);
    expect(await stranger.cookies()).toEqual([]);
    await stranger.close();
  });
});
