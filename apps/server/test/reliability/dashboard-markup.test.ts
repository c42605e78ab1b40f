import type { AddressInfo } from 'node:net';
import { DEV_API_KEY } from '@keyward/core';
import { attempts } from '@keyward/test-kit/reliability';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/create-app.js';
import { hasChromium, launchChromium, reportMissingChromium, watchProblems } from '../dashboard-browser-support.js';
import { memoryStorage } from '../helpers.js';

// Attacks on the dashboard through what other people name: a key, an endpoint or a customer
// called with markup must show as those very characters, make no element and run nothing. And a
// key revoked while its page is open must leave an error, not a broken page.
const STEP_MS = 30_000;
const TEST_MS = 240_000;

// Each sets window.pwned if it ever runs; each must also stay exactly these characters.
const PAYLOADS = [
  '<img src=x onerror="window.pwned=1">',
  '<script>window.pwned=1</script>',
  '"><svg onload="window.pwned=1">',
  "'); window.pwned=1; ('",
  '<a href="javascript:window.pwned=1">open</a>',
  '<iframe srcdoc="<script>parent.pwned=1</script>"></iframe>',
  '&lt;b&gt;not bold&lt;/b&gt;',
  '<style>body{display:none}</style>',
];
// A customer id is printable ASCII without spaces.
const CUSTOMER = '<img/src=x/onerror=window.pwned=1>';

reportMissingChromium();

describe.skipIf(!hasChromium)('dashboard: markup in names stays text', () => {
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base = '';
  const problems: string[] = [];

  beforeAll(async () => {
    app = createApp({ storage: memoryStorage(), devKey: true, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium(TEST_MS);
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);
    page = await context.newPage();
    watchProblems(page, problems);
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  }, TEST_MS);

  const post = async (path: string, body: unknown, key = DEV_API_KEY) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  /** Elements no value should ever become, anywhere in the page. */
  const injected = () =>
    page.locator('img, svg, script:not([src="/dashboard/app.js"]), iframe, a, b, body style').count();
  const pwned = () => page.evaluate<unknown>('window.pwned');

  async function signIn(key: string): Promise<void> {
    await page.goto(`${base}/dashboard`);
    await page.locator('#key').fill(key);
    await page.getByRole('button', { name: 'Use' }).click();
    await page.locator('#main').waitFor({ state: 'visible' });
  }

  it(
    'shows key, endpoint and customer names as their characters, in rows, buttons, questions and the secret box',
    async () => {
      const names = PAYLOADS.slice(0, attempts(4, PAYLOADS.length));
      for (const name of names) await post('/v1/secrets/api/keys', { name });
      await post('/v1/webhooks/endpoints', { name: PAYLOADS[0] });
      await signIn(DEV_API_KEY);

      for (const name of names) {
        const cell = page.locator('#keys td[data-label="Name"]').filter({ hasText: name });
        await expect.poll(() => cell.count()).toBe(1);
        expect(await cell.textContent()).toBe(name);
        expect(
          await page
            .locator('#keys')
            .getByRole('button', { name: `Revoke ${name}`, exact: true })
            .count(),
        ).toBe(1);
      }
      expect(await page.locator('#hooks td[data-label="Name"]').textContent()).toBe(PAYLOADS[0]);

      // The question names the key as text too.
      const asked = names[0] as string;
      await page
        .locator('#keys')
        .getByRole('button', { name: `Revoke ${asked}`, exact: true })
        .click();
      expect(await page.locator('#ask-title').textContent()).toBe(`Revoke ${asked}?`);
      expect(await injected()).toBe(0);
      await page.getByRole('button', { name: 'Cancel' }).click();

      // A customer id in the secret box's title.
      await page.locator('#customer').fill(CUSTOMER);
      await page.getByRole('button', { name: 'Mint session' }).click();
      await expect
        .poll(() => page.locator('#secret-title').textContent())
        .toBe(`Session token for customer ${CUSTOMER}`);

      expect(await injected()).toBe(0);
      expect(await pwned()).toBeUndefined();
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'answers with the error, not a broken page, when the pasted key is revoked while the page is open',
    async () => {
      const created = await post('/v1/secrets/api/keys', { name: 'short-lived', scopes: ['keys:read', 'keys:write'] });
      const key = created.api_key as string;
      await signIn(key);
      const revoked = await fetch(`${base}/v1/secrets/api/keys/${(created.secret as { id: string }).id}`, {
        method: 'DELETE',
        headers: { 'x-api-key': DEV_API_KEY },
      });
      expect(revoked.status).toBe(204);

      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => page.locator('#error').textContent()).toBe('invalid_api_key: Invalid API key');
      // Still usable: signing out works and leaves the sign-in form.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#key').waitFor({ state: 'visible' });
      expect(await page.locator('#error').textContent()).toBe('');
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );
});
