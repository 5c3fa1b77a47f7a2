import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PROJECT_ROOT } from '../../src/config.js';

/** Debian's chromium, which .ci/run installs; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots land here, for a person (or CI's artifacts) to look at. */
export const SCREENSHOT_DIR = resolve(PROJECT_ROOT, 'data/screenshots');

export async function launchBrowser(): Promise<Browser> {
  // Debian's chromium is installed when missing (as root), as the Temporal CLI is: npm test needs nothing installed by hand.
  if (!existsSync(CHROMIUM) && !process.env.CHROMIUM_PATH) spawnSync('bash', [resolve(PROJECT_ROOT, 'scripts/debian-package.sh'), 'chromium'], { stdio: 'inherit', timeout: 600_000 });
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`);
  // --no-sandbox: tests run as root, where Chromium's sandbox refuses to start.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A page that refuses every request not for a local file, and remembers what it refused. */
export async function offlinePage(browser: Browser): Promise<{ page: Page; refused: string[] }> {
  const page = await browser.newPage();
  const refused: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) void request.continue();
    else {
      refused.push(url);
      void request.abort('internetdisconnected');
    }
  });
  return { page, refused };
}

/** Saves the whole page, or only the element `selector` picks, as SCREENSHOT_DIR/name. */
export async function screenshot(page: Page, name: string, selector?: string): Promise<string> {
  const path = resolve(SCREENSHOT_DIR, name) as `${string}.png`;
  mkdirSync(dirname(path), { recursive: true });
  if (selector) await (await page.$(selector))!.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  return path;
}
