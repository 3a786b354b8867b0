import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { PROJECT_ROOT } from './paths';
import { RunningServer, startServer } from './server-process';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots the console tests leave for a person to look at. */
export const OUTPUT = join(PROJECT_ROOT, 'test-output');

/** Polls until `probe` gives something truthy. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Signs in on the console's login page with `key` (as a person would), and waits until the console is back. */
export async function signIn(page: Page, url: string, key: string, next = '/'): Promise<void> {
  await page.goto(`${url}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#key', key);
  await Promise.all([page.waitForURL((address) => !address.pathname.startsWith('/login')), page.click('#login-form button')]);
}

/**
 * The built server and Debian's chromium on its console, signed in with the admin key on the
 * login page (the session cookie is kept in the browser).
 */
export async function openConsole(env: Record<string, string>, adminKey: string, startTimeoutMs?: number): Promise<{ server: RunningServer; browser: Browser; page: Page }> {
  if (!existsSync(join(PROJECT_ROOT, 'dist/web/public/js/main.js'))) throw new Error('the console is not built: run `npm run build`');
  mkdirSync(OUTPUT, { recursive: true });
  const [server, browser] = await Promise.all([startServer({ ...env, ADMIN_API_KEY: adminKey }, startTimeoutMs), chromium.launch({ executablePath: CHROMIUM, headless: true })]);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, server.url, adminKey);
  await waitUntil('the console to show the admin session', async () => (await page.textContent('#account-role')) === 'Admin', 10_000);
  return { server, browser, page };
}
