import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEY } from '@keyward/core';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { memoryStorage } from './helpers.js';

// The dashboard as a person uses it, in a real Chromium: paste a key, list, create, copy the
// key shown once, revoke. Debian's chromium is what CI installs (apt-get install chromium).
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// The machine is small and shared: wait generously, never assert on timing.
const STEP_MS = 30_000;
const TEST_MS = 120_000;

// Without chromium: a failure in CI (which must install it), a visible skip elsewhere.
if (!hasChromium) {
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

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base = '';
  let shotDir = '';
  // Uncaught script errors and console errors other than the browser's own note on a 4xx
  // fetch (which the page handles): a CSP violation or a crash in app.js lands here.
  const problems: string[] = [];

  beforeAll(async () => {
    shotDir = mkdtempSync(join(tmpdir(), 'keyward-dashboard-shot-'));
    app = createApp({ storage: memoryStorage(), devKey: true, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
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
      timeout: TEST_MS,
    });
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);
    page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${msg.text()}`);
      }
    });
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (shotDir) rmSync(shotDir, { recursive: true, force: true });
  }, TEST_MS);

  /** `fetch` against the server as an API client would, with this key. */
  const api = (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers ?? {}) } });

  /** Pastes a key into the key field and presses "Use". */
  async function useKey(key: string): Promise<void> {
    await page.locator('#key').fill(key);
    await page.getByRole('button', { name: 'Use' }).click();
  }

  /** Waits for the error line to read `text`. */
  async function expectError(text: string): Promise<void> {
    await expect.poll(() => page.locator('#error').textContent(), { timeout: STEP_MS }).toBe(text);
  }

  it(
    'shows the server error for a wrong key, and nothing else',
    async () => {
      await page.goto(`${base}/dashboard`);
      expect(await page.title()).toBe('keyward dashboard');
      await expect.poll(() => page.locator('#main').isHidden()).toBe(true);

      // Well-formed but unknown: the server's code and message, on the page as text.
      await useKey('ab'.repeat(32));
      await expectError('invalid_api_key: Invalid API key');
      expect(await page.locator('#main').isHidden()).toBe(true);
      // Not a key at all: the same readable answer, no crash.
      await page.reload();
      expect(await page.locator('#error').textContent()).toBe('');
      await useKey('not a key');
      await expectError('invalid_api_key: Invalid API key');
      expect(await page.locator('#main').isHidden()).toBe(true);
      // The pasted key does not stay in the field.
      expect(await page.locator('#key').inputValue()).toBe('');
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'lists, creates (key shown once), and revokes a key',
    async () => {
      const name = 'browser test key';
      await page.goto(`${base}/dashboard`);
      await useKey(DEV_API_KEY);
      await page.locator('#main').waitFor({ state: 'visible' });
      expect(await page.locator('#error').textContent()).toBe('');
      expect(await page.locator('#who').textContent()).toMatch(/tenant .+, environment .+, scopes \*/);
      // Whatever the list holds now (the memory store does not list the dev key), the new key adds one row.
      const rowsBefore = await page.locator('#keys tr').count();
      expect(await page.locator('#keys tr', { hasText: name }).count()).toBe(0);

      // Create a key with a name and a narrower scope.
      await page.locator('#name').fill(name);
      await page.locator('#scopes').fill('keys:read');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.locator('#created').waitFor({ state: 'visible' });
      const key = (await page.locator('#created-key').textContent()) ?? '';
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(await page.locator('#created').textContent()).toContain('will not be shown again');
      expect(await page.locator('#name').inputValue()).toBe('');

      // The server agrees on the record; the page's row shows its id and display id, never the key.
      const listed = (await (await api('/v1/secrets/api/keys?limit=100', DEV_API_KEY)).json()) as {
        items: Array<{ id: string; name: string; display_id: string; status: string; scopes: string[] }>;
      };
      const record = listed.items.find((k) => k.name === name);
      expect(record).toBeDefined();
      if (!record) return;
      expect(record.display_id).not.toBe(key);
      const row = page.locator('#keys tr', { hasText: name });
      await row.waitFor({ state: 'visible' });
      expect(await page.locator('#keys tr').count()).toBe(rowsBefore + 1);
      const cells = await row.locator('td').allTextContents();
      expect(cells.slice(0, 6)).toEqual([name, record.id, record.display_id, 'active', 'keys:read', 'never']);
      expect(await page.locator('#keys').innerHTML()).not.toContain(key);

      const shot = join(shotDir, 'dashboard.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(1000);
      expect(readFileSync(shot).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

      // The key shown works for an API client, with the scope it was given.
      const me = await api('/v1/me', key);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ name, scopes: ['keys:read'] });
      expect((await api('/v1/secrets/api/keys', key)).status).toBe(200);

      // Shown once: after a reload and a fresh paste the key is nowhere on the page.
      await page.reload();
      await useKey(DEV_API_KEY);
      await row.waitFor({ state: 'visible' });
      expect(await page.locator('#created').isHidden()).toBe(true);
      expect(await page.content()).not.toContain(key);

      // Revoke asks first: declining keeps the key.
      const asked: string[] = [];
      page.once('dialog', (dialog) => {
        asked.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await row.getByRole('button', { name: 'Revoke' }).click();
      await expect
        .poll(() => asked, { timeout: STEP_MS })
        .toEqual([`confirm: Revoke ${name}? It stops working at once.`]);
      expect(await row.count()).toBe(1);
      expect((await api('/v1/me', key)).status).toBe(200);

      // Accepting revokes it: gone from the list, and the key answers 401.
      page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.waitFor({ state: 'detached' });
      expect(await page.locator('#keys tr').count()).toBe(rowsBefore);
      expect(await page.locator('#error').textContent()).toBe('');
      const revoked = await api('/v1/me', key);
      expect(revoked.status).toBe(401);
      expect(await revoked.json()).toEqual({ error: { code: 'invalid_api_key', message: 'Invalid API key' } });

      // A wrong key pasted over a good one: the error, and the previous key's list is gone.
      await useKey(key);
      await expectError('invalid_api_key: Invalid API key');
      await page.locator('#main').waitFor({ state: 'hidden' });
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );
});
