/**
 * A real headless Chromium (Debian's `chromium`) driven by playwright-core, for the
 * dashboard tests; every request the page makes is recorded.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian installs Chromium (`apt-get install -y chromium`; scripts/test-setup.sh). */
export const CHROMIUM = '/usr/bin/chromium';

/** True when Chromium is installed; CI installs it, so there the tests never skip. */
export const hasChromium = existsSync(CHROMIUM) || process.env['CI'] !== undefined;

/** A browser, a page, and the URLs of every request the page made. */
export interface BrowserSession {
  readonly browser: Browser;
  readonly page: Page;
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts Chromium headless and opens a page that records its requests. */
export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Tests run as root in containers, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      requests.push(request.url());
    });
    return { browser, page, requests, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
