import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

// The dashboard's browser tests drive Debian's chromium, which is what CI installs
// (apt-get install chromium); playwright-core never downloads a browser.
const CHROMIUM = '/usr/bin/chromium';

/** Whether Debian's chromium is here to drive. */
export const hasChromium = existsSync(CHROMIUM);

/**
 * Without chromium: a failure in CI (which must install it), a visible skip elsewhere. Call it
 * at the top of a browser test file, beside its `describe.skipIf(!hasChromium)`.
 */
export function reportMissingChromium(): void {
  if (hasChromium) return;
  describe('dashboard in a browser (no chromium)', () => {
    if (process.env.CI) {
      it('needs Debian chromium at /usr/bin/chromium', () => {
        expect.fail(`CI must install Debian's chromium (apt-get install chromium): ${CHROMIUM} is missing`);
      });
    } else {
      it.skip('dashboard browser tests skipped: no /usr/bin/chromium (apt-get install chromium)', () => {});
    }
  });
}

/** Starts headless chromium, quiet and without the network chatter a fresh profile makes. */
export function launchChromium(timeout: number): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout,
  });
}

/**
 * Collects into `problems` uncaught script errors and console errors other than the browser's
 * own note on a 4xx fetch (which the page handles): a CSP violation or a crash in app.js.
 */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${msg.text()}`);
    }
  });
}
