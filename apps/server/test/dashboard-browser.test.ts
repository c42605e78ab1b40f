import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_API_KEY, signWebhook } from '@keyward/core';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { hasChromium, launchChromium, reportMissingChromium, watchProblems } from './dashboard-browser-support.js';
import { memoryStorage } from './helpers.js';

// The dashboard as an operator uses it, in a real Chromium: paste a key, create one with an
// expiry, copy it, rotate, deactivate, reactivate, rename, page through 120 keys, revoke, manage
// webhook endpoints and portal sessions, sign out; at a desktop's and at a phone's size. Each
// state is saved as a screenshot under apps/server/test-artifacts/ (git-ignored), for people
// to look at.
// The machine is small and shared: wait generously, never assert on timing.
const STEP_MS = 30_000;
const TEST_MS = 240_000;
const SHOTS = fileURLToPath(new URL('../test-artifacts/dashboard/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

reportMissingChromium();

interface WireKey {
  id: string;
  name: string;
  display_id: string;
  status: string;
  scopes: string[];
  expires_at: string | null;
}

/** The page's way of writing a time: UTC to the minute. */
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base = '';
  // The server's clock runs this far ahead of the real one, to see a key's grace run out.
  let skewMs = 0;
  // What went wrong in the page's script (see watchProblems).
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = createApp({
      storage: memoryStorage(),
      devKey: true,
      logger: false,
      now: () => new Date(Date.now() + skewMs),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium(TEST_MS);
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  }, TEST_MS);

  /** A fresh tab at `viewport`, allowed to use the clipboard as a person's click would. */
  async function openTab(viewport: { width: number; height: number }): Promise<void> {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(STEP_MS);
    page = await context.newPage();
    watchProblems(page, problems);
  }

  /** `fetch` against the server as an API client would, with this key. */
  const api = (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers ?? {}) } });

  async function allKeys(): Promise<WireKey[]> {
    const items: WireKey[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await (await api(`/v1/secrets/api/keys?limit=100&offset=${offset}`, DEV_API_KEY)).json()) as {
        items: WireKey[];
        pagination: { total: number };
      };
      items.push(...page.items);
      if (items.length >= page.pagination.total || page.items.length === 0) return items;
    }
  }

  /** Pastes a key into the key field and presses "Use". */
  async function useKey(key: string): Promise<void> {
    await page.locator('#key').fill(key);
    await page.getByRole('button', { name: 'Use' }).click();
  }

  const text = (selector: string) => page.locator(selector).textContent();
  const expectText = (selector: string, value: string) =>
    expect.poll(() => text(selector), { timeout: STEP_MS }).toBe(value);

  // Run in the page, as text: the server's TypeScript has no DOM types.
  /** What has focus: its id, else its accessible name. */
  const focused = () =>
    page.evaluate<string>(
      "(() => { const n = document.activeElement; return (n && (n.id || n.getAttribute('aria-label') || n.textContent)) || ''; })()",
    );
  const expectFocus = (what: string) => expect.poll(focused, { timeout: STEP_MS }).toBe(what);

  /** Nothing wider than the window: no sideways scrolling, at either size. */
  async function expectNoOverflow(): Promise<void> {
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  }

  /** Saves this state as test-artifacts/dashboard/<name>.png, after checking it fits the window. */
  async function shot(name: string): Promise<void> {
    await expectNoOverflow();
    const file = join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  }

  /** The row of the key with this id (ids are unique; names need not be). */
  const keyRow = (id: string) => page.locator('#keys tr', { hasText: id });
  const dialog = () => page.getByRole('dialog');

  it(
    'shows the server error for a wrong key, and nothing else',
    async () => {
      await openTab(DESKTOP);
      await page.goto(`${base}/dashboard`);
      expect(await page.title()).toBe('keyward dashboard');
      expect(await page.locator('#main').isHidden()).toBe(true);

      // Well-formed but unknown: the server's code and message, on the page as text.
      await useKey('ab'.repeat(32));
      await expectText('#error', 'invalid_api_key: Invalid API key');
      expect(await page.locator('#main').isHidden()).toBe(true);
      // Not a key at all: the same readable answer, no crash.
      await page.reload();
      expect(await text('#error')).toBe('');
      await useKey('not a key');
      await expectText('#error', 'invalid_api_key: Invalid API key');
      expect(await page.locator('#main').isHidden()).toBe(true);
      // The pasted key does not stay in the field.
      expect(await page.locator('#key').inputValue()).toBe('');
      await shot('desktop-wrong-key');
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'walks the whole flow at 1280×800: create with expiry, copy, rotate, deactivate, reactivate, rename, page, revoke',
    async () => {
      await openTab(DESKTOP);
      // `/` sends a browser to the dashboard.
      await page.goto(`${base}/`);
      expect(page.url()).toBe(`${base}/dashboard`);
      await shot('desktop-1-sign-in');

      await useKey(DEV_API_KEY);
      await page.locator('#main').waitFor({ state: 'visible' });
      expect(await text('#error')).toBe('');
      expect(await text('#who')).toBe('Development key — tenant tenant_dev, environment env_dev, scopes *');
      expect(await page.locator('#login').isHidden()).toBe(true);
      await expectFocus('keys-title');
      await expectText('#keys-range', 'No keys yet.');
      await shot('desktop-2-signed-in');

      // Create with a name, a narrower scope and an expiry two days ahead, in the browser's time zone.
      const expiry = await page.evaluate(() => {
        const at = new Date(Date.now() + 2 * 86_400_000);
        at.setSeconds(0, 0);
        const pad = (n: number) => String(n).padStart(2, '0');
        const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
        return { local, iso: at.toISOString() };
      });
      await page.locator('#name').fill('ci');
      await page.locator('#scopes').fill('keys:read');
      await page.locator('#expires').fill(expiry.local);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.locator('#secret').waitFor({ state: 'visible' });
      const key = (await text('#secret-value')) ?? '';
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(await text('#secret')).toContain('it will not be shown again');
      expect(await text('#secret-title')).toBe('New key ci');
      await expectFocus('copy');
      // Every field of the form is cleared, scopes and expiry too.
      expect(await page.locator('#name').inputValue()).toBe('');
      expect(await page.locator('#scopes').inputValue()).toBe('');
      expect(await page.locator('#expires').inputValue()).toBe('');

      // The server agrees; the row shows the record, never the key.
      const [ci] = await allKeys();
      if (!ci) throw new Error('the key was not created');
      expect(ci).toMatchObject({ name: 'ci', scopes: ['keys:read'], expires_at: expiry.iso, status: 'active' });
      expect(await text('#secret-detail')).toBe(`Scopes keys:read; expires ${utc(expiry.iso)}.`);
      await keyRow(ci.id).waitFor({ state: 'visible' });
      const cells = await keyRow(ci.id).locator('td').allTextContents();
      expect(cells.slice(0, 7)).toEqual(['ci', ci.id, ci.display_id, 'active', 'keys:read', utc(expiry.iso), 'never']);
      expect(await page.locator('#keys').innerHTML()).not.toContain(key);
      expect(await text('#keys-range')).toBe('Keys 1–1 of 1');
      await shot('desktop-3-created');

      // Copy: the clipboard holds exactly the key, and the page says so.
      await page.getByRole('button', { name: 'Copy key' }).click();
      await expectText('#copy-status', 'Copied to the clipboard.');
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key);

      // The key works for an API client, with its scope; the list then shows it was used.
      const me = await api('/v1/me', key);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ name: 'ci', scopes: ['keys:read'] });
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(async () => (await keyRow(ci.id).locator('td').nth(6).textContent()) ?? '').toMatch(/UTC$/);

      // Rotate with a grace period: the new key is shown once, both keys work meanwhile.
      await page.getByRole('button', { name: 'Rotate ci', exact: true }).click();
      await dialog().waitFor({ state: 'visible' });
      expect(await dialog().getByRole('heading').textContent()).toBe('Rotate ci?');
      await dialog().getByLabel('Grace period for the old key').selectOption({ label: '1 hour' });
      await dialog().getByRole('button', { name: 'Rotate', exact: true }).click();
      await dialog().waitFor({ state: 'hidden' });
      await expect.poll(() => text('#secret-value')).not.toBe(key);
      const rotatedKey = (await text('#secret-value')) ?? '';
      expect(rotatedKey).toMatch(/^[0-9a-f]{64}$/);
      expect(await text('#secret-title')).toBe('New key for ci');
      expect(await text('#secret-detail')).toBe(`The old key ${ci.display_id} keeps working for 1 hour, then stops.`);
      await expectFocus('copy');
      expect((await api('/v1/me', key)).status).toBe(200);
      expect((await api('/v1/me', rotatedKey)).status).toBe(200);
      const successor = (await allKeys()).find((k) => k.id !== ci.id);
      if (!successor) throw new Error('no successor');
      // Two rows named ci: each button says which one it acts on.
      await keyRow(successor.id).waitFor({ state: 'visible' });
      expect(await page.getByRole('button', { name: `Revoke ci (${ci.display_id})` }).count()).toBe(1);
      expect(await page.getByRole('button', { name: `Revoke ci (${successor.display_id})` }).count()).toBe(1);
      await shot('desktop-4-rotated');

      // Once the grace has run out, the old key's status says expired, and it offers no rotation.
      skewMs = 2 * 3_600_000;
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => keyRow(ci.id).locator('td').nth(3).textContent()).toBe('expired');
      expect(
        await keyRow(ci.id)
          .getByRole('button', { name: /^Rotate/ })
          .count(),
      ).toBe(0);
      expect(
        await keyRow(ci.id)
          .getByRole('button', { name: /^Deactivate/ })
          .count(),
      ).toBe(0);
      await shot('desktop-5-expired');
      // The window as a person sees it, for the README (docs/dashboard.png is made from it).
      await page.screenshot({ path: join(SHOTS, 'readme.png') });

      // Rename the successor: its buttons follow the new name.
      await page.getByRole('button', { name: `Rename ci (${successor.display_id})` }).click();
      await dialog().getByLabel('New name').fill('ci-rotated');
      await dialog().getByRole('button', { name: 'Rename', exact: true }).click();
      await expectFocus('Rename ci-rotated');
      expect(await keyRow(successor.id).locator('td').first().textContent()).toBe('ci-rotated');

      // Deactivate: refused with 403, and focus stays on the row's toggle, now "Reactivate".
      await page.getByRole('button', { name: 'Deactivate ci-rotated' }).click();
      await expectFocus('Reactivate ci-rotated');
      expect(await keyRow(successor.id).locator('td').nth(3).textContent()).toBe('inactive');
      const inactive = await api('/v1/me', rotatedKey);
      expect(inactive.status).toBe(403);
      expect(((await inactive.json()) as { error: { code: string } }).error.code).toBe('inactive_api_key');
      await shot('desktop-6-deactivated');

      // Reactivate: it works again.
      await page.getByRole('button', { name: 'Reactivate ci-rotated' }).click();
      await expectFocus('Deactivate ci-rotated');
      expect(await keyRow(successor.id).locator('td').nth(3).textContent()).toBe('active');
      expect((await api('/v1/me', rotatedKey)).status).toBe(200);

      // 118 more keys: 120 in all, paged 25 at a time, newest first, every key on exactly one page.
      for (let i = 1; i <= 118; i += 1) {
        const res = await api('/v1/secrets/api/keys', DEV_API_KEY, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `bulk-${String(i).padStart(3, '0')}`, scopes: ['keys:read'] }),
        });
        expect(res.status).toBe(201);
      }
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expectText('#keys-range', 'Keys 1–25 of 120');
      expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
      const ranges = [await text('#keys-range')];
      const seen: string[] = [];
      for (;;) {
        seen.push(...(await page.locator('#keys tr td:nth-child(2)').allTextContents()));
        if (await page.getByRole('button', { name: 'Next page' }).isDisabled()) break;
        const before = await text('#keys-range');
        await page.getByRole('button', { name: 'Next page' }).click();
        await expect.poll(() => text('#keys-range')).not.toBe(before);
        ranges.push(await text('#keys-range'));
      }
      expect(ranges).toEqual([
        'Keys 1–25 of 120',
        'Keys 26–50 of 120',
        'Keys 51–75 of 120',
        'Keys 76–100 of 120',
        'Keys 101–120 of 120',
      ]);
      expect(seen).toEqual((await allKeys()).map((k) => k.id));
      expect(new Set(seen).size).toBe(120);
      // At the last page, Next is disabled and focus went to Previous rather than to nothing.
      await expectFocus('prev');
      await shot('desktop-7-last-page');

      // Revoke asks first, naming the key; the question starts on Cancel, and Cancel keeps it.
      await page.locator('#keys').getByRole('button', { name: 'Revoke ci-rotated' }).click();
      await dialog().waitFor({ state: 'visible' });
      expect(await dialog().getByRole('heading').textContent()).toBe('Revoke ci-rotated?');
      expect(await text('#ask-text')).toBe(
        `ci-rotated (key ${successor.display_id}) stops working at once: every request with it is refused. This cannot be undone.`,
      );
      await expectFocus('ask-cancel');
      await shot('desktop-8-revoke-asks');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await dialog().waitFor({ state: 'hidden' });
      await expectFocus('Revoke ci-rotated');
      expect(await keyRow(successor.id).count()).toBe(1);
      expect((await api('/v1/me', rotatedKey)).status).toBe(200);

      // Confirmed: gone from the list, refused by the server, and its plaintext gone from the page.
      expect(await page.locator('#secret').isVisible()).toBe(true);
      await page.locator('#keys').getByRole('button', { name: 'Revoke ci-rotated' }).click();
      await dialog().getByRole('button', { name: 'Revoke ci-rotated' }).click();
      await keyRow(successor.id).waitFor({ state: 'detached' });
      await expectText('#status', 'Revoked ci-rotated.');
      await expectFocus('keys-title');
      expect(await page.locator('#secret').isHidden()).toBe(true);
      expect(await page.content()).not.toContain(rotatedKey);
      expect(await text('#keys-range')).toBe('Keys 101–119 of 119');
      const revoked = await api('/v1/me', rotatedKey);
      expect(revoked.status).toBe(401);
      expect(await revoked.json()).toEqual({ error: { code: 'invalid_api_key', message: 'Invalid API key' } });
      await shot('desktop-9-revoked');
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'manages webhook endpoints and portal sessions, then signs out',
    async () => {
      await openTab(DESKTOP);
      await page.goto(`${base}/dashboard`);
      await useKey(DEV_API_KEY);
      await page.locator('#main').waitFor({ state: 'visible' });
      await expectText('#hooks-range', 'No endpoints yet.');

      // An endpoint: its secret shown once, its receiver URL in the row.
      await page.locator('#hook-name').fill('orders');
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      await page.locator('#secret').waitFor({ state: 'visible' });
      const secret = (await text('#secret-value')) ?? '';
      expect(secret).toMatch(/^whsec_/);
      await expectFocus('copy');
      expect(await text('#copy')).toBe('Copy secret');
      const row = page.locator('#hooks tr', { hasText: 'orders' });
      const endpointId = (await row.locator('td').nth(1).textContent()) ?? '';
      const url = `${base}/v1/webhooks/tenant_dev/env_dev/${endpointId}`;
      expect(await row.locator('td').nth(2).textContent()).toBe(url);
      await shot('desktop-10-endpoint');

      // A delivery signed with that secret shows in the endpoint's deliveries.
      const payload = JSON.stringify({ type: 'order.paid' });
      const delivered = await fetch(url, {
        method: 'POST',
        headers: { ...signWebhook({ id: 'msg_1', payload, secret }), 'content-type': 'application/json' },
        body: payload,
      });
      expect(delivered.status).toBe(204);
      await page.getByRole('button', { name: 'Deliveries of orders' }).click();
      await expectFocus('deliveries-title');
      expect(await text('#deliveries-range')).toBe('The latest 1 of 1');
      expect((await page.locator('#delivery-rows td').allTextContents()).slice(0, 2)).toEqual(['msg_1', 'order.paid']);

      // Rotating the secret with no grace: the new one is shown, the old one verifies no more.
      await page.getByRole('button', { name: 'Rotate secret of orders' }).click();
      await dialog().getByLabel('Grace period for the old secret').selectOption('0');
      await dialog().getByRole('button', { name: 'Rotate secret' }).click();
      await expect.poll(() => text('#secret-value')).not.toBe(secret);
      expect(await text('#secret-value')).toMatch(/^whsec_/);
      const late = JSON.stringify({ type: 'order.refunded' });
      const stale = await fetch(url, {
        method: 'POST',
        headers: { ...signWebhook({ id: 'msg_2', payload: late, secret }), 'content-type': 'application/json' },
        body: late,
      });
      expect(stale.status).toBe(401);

      // Deleting asks, naming it; then its row, its secret and its deliveries are gone.
      await page.getByRole('button', { name: 'Delete orders' }).click();
      expect(await dialog().getByRole('heading').textContent()).toBe('Delete orders?');
      await dialog().getByRole('button', { name: 'Delete orders' }).click();
      await row.waitFor({ state: 'detached' });
      await expectFocus('hooks-title');
      expect(await page.locator('#secret').isHidden()).toBe(true);
      expect(await page.locator('#deliveries').isHidden()).toBe(true);

      // A portal session: its token shown once and working, then revoked by id.
      await page.locator('#customer').fill('cus_42');
      await page.getByRole('button', { name: 'Mint session' }).click();
      await page.locator('#secret').waitFor({ state: 'visible' });
      const token = (await text('#secret-value')) ?? '';
      expect(token).toMatch(/^kws_/);
      await expectFocus('copy');
      const portalMe = await fetch(`${base}/v1/portal/me`, { headers: { 'x-session-token': token } });
      expect(portalMe.status).toBe(200);
      const session = (await portalMe.json()) as { session_id: string; customer_id: string };
      expect(session.customer_id).toBe('cus_42');
      expect(await page.locator('#session-id').inputValue()).toBe(session.session_id);
      await shot('desktop-11-session');
      await page.getByRole('button', { name: 'Revoke session' }).click();
      expect(await dialog().getByRole('heading').textContent()).toBe(`Revoke session ${session.session_id}?`);
      await dialog().getByRole('button', { name: 'Revoke session' }).click();
      await expectFocus('portal-title');
      expect(await page.locator('#secret').isHidden()).toBe(true);
      expect((await fetch(`${base}/v1/portal/me`, { headers: { 'x-session-token': token } })).status).toBe(401);

      // Signing out forgets the key: back to the sign-in form, nothing of the key's world on the page.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#main').waitFor({ state: 'hidden' });
      await expectFocus('key');
      expect(await page.locator('#keys tr').count()).toBe(0);
      expect(await page.locator('#who').isHidden()).toBe(true);
      expect(await text('#status')).toBe('Signed out: this page has forgotten the key.');
      // A call made now carries no key: the page holds none.
      expect(await page.content()).not.toContain(DEV_API_KEY);
      await shot('desktop-12-signed-out');
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'fits a 390×844 phone: no sideways scrolling with a list, a new key, a long name and a question',
    async () => {
      await openTab(PHONE);
      await page.goto(`${base}/dashboard`);
      await shot('phone-1-sign-in');
      // A name with no place to break must wrap, not widen the page.
      const long = 'n'.repeat(120);
      const res = await api('/v1/secrets/api/keys', DEV_API_KEY, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: long }),
      });
      expect(res.status).toBe(201);
      await useKey(DEV_API_KEY);
      await page.locator('#main').waitFor({ state: 'visible' });
      await page.locator('#keys tr', { hasText: long }).waitFor({ state: 'visible' });
      await shot('phone-2-signed-in');

      await page.locator('#name').fill('phone');
      await page.locator('#expires').fill('2099-01-01T12:00');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.locator('#secret').waitFor({ state: 'visible' });
      await expectFocus('copy');
      await shot('phone-3-created');

      await page.locator('#keys').getByRole('button', { name: 'Revoke phone' }).click();
      await dialog().waitFor({ state: 'visible' });
      await shot('phone-4-revoke-asks');
      await page.keyboard.press('Escape');
      await dialog().waitFor({ state: 'hidden' });
      await expectFocus('Revoke phone');

      // Done with the secret: it goes, and focus returns to the keys.
      await page.getByRole('button', { name: 'Done, hide it' }).click();
      await expectFocus('keys-title');
      expect(await page.locator('#secret').isHidden()).toBe(true);
      expect(await text('#secret-value')).toBe('');
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );
});
