// The behaviour every ManagedWebhookStore owes keyward's webhook receivers: run against core's
// MemoryWebhookStore (the reference), PGlite and a PostgreSQL server in this repository, and by
// any third-party store that wants to show it behaves and refuses alike.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { MemoryWebhookStore, signWebhook, verifyWebhook } from '@keyward/core';
import type { KeyScope, ManagedWebhookStore, WebhookDelivery, WebhookEndpointRecord } from '@keyward/core/store';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshScope, type Outcome, outcome, registerStoreSuite, SUITE_START } from './suite-support.js';

/** One store opened for the suite, and how to dispose of it. */
export interface WebhookStoreHandle {
  store: ManagedWebhookStore;
  close(): Promise<void>;
}

/** What {@link describeWebhookStoreSuite} runs against. */
export interface WebhookStoreFactory {
  /** The suite's title, e.g. `PostgresKeyStore on PGlite: webhooks`. */
  name: string;
  /**
   * Opens one store for the whole suite. The store must take its created and rotation times
   * from `now`: the suite moves that clock by hand.
   */
  create(options: { now: () => Date }): Promise<WebhookStoreHandle>;
  /** Why the store cannot be tested here, or unset to run; a reason shows as one skipped test. */
  skip?: string | undefined;
}

const CALLER = '@keyward/test-kit: describeWebhookStoreSuite';
const DAY_MS = 86_400_000;
// A secret as Standard Webhooks libraries read it: whsec_ and base64 of 24 to 64 bytes.
const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

/**
 * Two refusals agree when they are the same TypeError (core's validators word those), or both
 * the store's "no such endpoint", whose message names the store's own package.
 */
function expectSameRefusal(got: Outcome, want: Outcome): void {
  expect(got.ok).toBe(want.ok);
  if (got.ok || want.ok) return;
  if (want.name === 'TypeError') expect(got).toEqual(want);
  else expect(got.message).toMatch(/no such endpoint/);
}

/** The fields of an endpoint record that depend neither on randomness nor on the clock. */
function comparable(endpoint: WebhookEndpointRecord) {
  const { id: _id, createdAt: _c, ...rest } = endpoint;
  return rest;
}

/** Whether a webhook signed with `signer` verifies against `secrets` at `at`. */
function verifies(signer: string, secrets: readonly string[], at: Date): boolean {
  const payload = '{"type":"invoice.paid"}';
  const headers = signWebhook({ id: `msg_${randomBytes(4).toString('hex')}`, payload, secret: signer, timestamp: at });
  return verifyWebhook({ headers, payload, secrets, now: () => at }).ok;
}

// Inputs from outside (a request body, a URL, a webhook's headers): valid, near misses, junk.
const identifier = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
  fc.string(),
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), 'é'),
  fc.anything(),
);
const endpointName = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(null, '', '   ', ' padded ', 'x'.repeat(255), 'x'.repeat(256), 'a\u0000b', 'half \ud800'),
  fc.anything(),
);
const seconds = (max: number) =>
  fc.oneof(fc.integer({ min: -5, max }), fc.constantFrom(0, 1, 1.5, Number.NaN, '300', null), fc.anything());
const createInput = fc.oneof(
  fc.record(
    {
      tenantId: identifier,
      environmentId: identifier,
      name: endpointName,
      toleranceSeconds: seconds(4000),
    },
    { requiredKeys: [] },
  ),
  fc.record({ tenantId: identifier, environmentId: identifier, url: fc.anything() }),
  fc.anything(),
);
const rotateInput = fc.oneof(
  fc.record({ gracePeriodSeconds: seconds(8 * 86_400) }, { requiredKeys: [] }),
  fc.record({ gracePeriodSeconds: fc.integer({ min: 0, max: 60 }), extra: fc.anything() }),
  fc.anything(),
);
const paging = fc.oneof(
  fc.record(
    {
      limit: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), fc.anything()),
      offset: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.anything()),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

/**
 * Registers the webhook store suite (vitest `describe`/`it`) under `factory.name`: an endpoint's
 * `whsec_` secret shown once and never listed, every method confined to the tenant and
 * environment, secret rotation with a grace period and with none, `findEndpoint` giving only
 * the secrets that still verify at the time asked, a delivery recorded once and its
 * `webhook-id` a replay after (20 parallel records of one id included), deliveries listed newest
 * first, an endpoint's deletion taking its deliveries, and bad input refused exactly as core's
 * `MemoryWebhookStore` refuses it. Call it at the top level of a test file.
 *
 * @example
 * describeWebhookStoreSuite({
 *   name: 'MyWebhookStore',
 *   create: async ({ now }) => {
 *     const store = await openMyWebhookStore({ now });
 *     return { store, close: () => store.close() };
 *   },
 * });
 */
export function describeWebhookStoreSuite(factory: WebhookStoreFactory): void {
  registerStoreSuite(factory, CALLER, () => {
    let clockMs = SUITE_START;
    const now = () => new Date(clockMs);
    const tick = (ms = 1_000) => {
      clockMs += ms;
    };
    let handle: WebhookStoreHandle;
    let store: ManagedWebhookStore;

    beforeAll(async () => {
      handle = await factory.create({ now });
      store = handle.store;
    });
    afterAll(async () => {
      await handle?.close();
    });

    /** A delivery of `endpointId`, received now unless told otherwise. */
    const delivery = (endpointId: string, over: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
      webhookId: `msg_${randomBytes(6).toString('hex')}`,
      endpointId,
      eventType: 'invoice.paid',
      receivedAt: now(),
      size: 42,
      ...over,
    });

    it('creates an endpoint with a whsec_ secret shown once, never in its record or a listing', async () => {
      const scope = freshScope();
      const { secret, endpoint } = await store.createEndpoint({ ...scope, name: 'billing' });
      expect(secret).toMatch(SECRET_FORMAT);
      expect(endpoint).toEqual({
        id: expect.stringMatching(/^whe_[0-9a-f]{24}$/),
        tenantId: scope.tenantId,
        environmentId: scope.environmentId,
        name: 'billing',
        toleranceSeconds: 300,
        createdAt: now(),
      });
      const listed = await store.listEndpoints(scope);
      expect(listed).toEqual([endpoint]);
      const body = secret.slice('whsec_'.length);
      for (const shown of [endpoint, listed]) {
        expect(`${JSON.stringify(shown)}${inspect(shown, { depth: 10, showHidden: true })}`).not.toContain(body);
      }
      // The receiver's lookup is the one place the secret comes back, and it verifies there.
      const found = await store.findEndpoint(scope, endpoint.id, now());
      expect(found).toEqual({ ...endpoint, secrets: [{ secret, expiresAt: null }] });
      expect(verifies(secret, found?.secrets.map((s) => s.secret) ?? [], now())).toBe(true);
      const other = await store.createEndpoint(scope);
      expect(other.secret).not.toBe(secret);
      expect(other.endpoint.id).not.toBe(endpoint.id);
    });

    it('keeps the name (trimmed, or null) and the tolerance as given, from 1 s to 1 h', async () => {
      const scope = freshScope();
      const unnamed = await store.createEndpoint(scope);
      expect(unnamed.endpoint).toMatchObject({ name: null, toleranceSeconds: 300 });
      const cases = [
        [
          { name: null, toleranceSeconds: 1 },
          { name: null, toleranceSeconds: 1 },
        ],
        [
          { name: ' padded ', toleranceSeconds: 3600 },
          { name: 'padded', toleranceSeconds: 3600 },
        ],
        [{ name: `é "q" 'q' \\ {b} 🔑 日本` }, { name: `é "q" 'q' \\ {b} 🔑 日本`, toleranceSeconds: 300 }],
      ] as const;
      for (const [input, want] of cases) {
        const { endpoint } = await store.createEndpoint({ ...scope, ...input });
        expect(endpoint).toMatchObject(want);
        expect(await store.findEndpoint(scope, endpoint.id, now())).toMatchObject(want);
      }
    });

    it('lists endpoints newest first (ties by id, descending), in the scope only', async () => {
      const scope = freshScope();
      await store.createEndpoint({ ...scope, environmentId: 'staging', name: 'elsewhere' });
      const made: WebhookEndpointRecord[] = [];
      for (let i = 0; i < 3; i++) {
        tick();
        made.push((await store.createEndpoint({ ...scope, name: `e${i}` })).endpoint);
      }
      tick();
      const same = [(await store.createEndpoint({ ...scope, name: 'same1' })).endpoint];
      same.push((await store.createEndpoint({ ...scope, name: 'same2' })).endpoint);
      same.sort((a, b) => (a.id < b.id ? 1 : -1));
      expect((await store.listEndpoints(scope)).map((e) => e.id)).toEqual(
        [...same, ...made.reverse()].map((e) => e.id),
      );
      expect(await store.listEndpoints(freshScope())).toEqual([]);
      expect((await store.listEndpoints({ ...scope, environmentId: 'staging' })).map((e) => e.name)).toEqual([
        'elsewhere',
      ]);
    });

    it('keeps every method in its scope: another tenant or environment sees a missing endpoint', async () => {
      const scope = freshScope();
      const { secret, endpoint } = await store.createEndpoint({ ...scope, name: 'mine' });
      expect(await store.recordDelivery(scope, delivery(endpoint.id, { webhookId: 'msg_mine' }))).toBe('recorded');
      for (const outsider of [
        { ...scope, environmentId: 'dev' },
        { ...scope, tenantId: `${scope.tenantId}x` },
      ]) {
        expect(await store.listEndpoints(outsider)).toEqual([]);
        expect(await store.findEndpoint(outsider, endpoint.id, now())).toBeNull();
        expect(await store.rotateEndpointSecret(outsider, endpoint.id, { gracePeriodSeconds: 0 })).toBeNull();
        expect(await store.listDeliveries(outsider, endpoint.id)).toBeNull();
        await expect(store.recordDelivery(outsider, delivery(endpoint.id))).rejects.toThrow(/no such endpoint/);
        expect(await store.deleteEndpoint(outsider, endpoint.id)).toBe(false);
      }
      // Untouched: the same secret, the one delivery, still there.
      expect((await store.findEndpoint(scope, endpoint.id, now()))?.secrets).toEqual([{ secret, expiresAt: null }]);
      expect(await store.listDeliveries(scope, endpoint.id)).toMatchObject({ total: 1 });
      expect(await store.recordDelivery(scope, delivery(endpoint.id, { webhookId: 'msg_mine' }))).toBe('replayed');
      for (const missing of ['whe_000000000000000000000000', '']) {
        expect(await store.findEndpoint(scope, missing, now())).toBeNull();
        expect(await store.rotateEndpointSecret(scope, missing)).toBeNull();
        expect(await store.listDeliveries(scope, missing)).toBeNull();
        expect(await store.deleteEndpoint(scope, missing)).toBe(false);
        await expect(store.recordDelivery(scope, delivery(missing))).rejects.toThrow(/no such endpoint/);
      }
    });

    it('rotates with a grace period: both secrets verify until it ends, then only the new one', async () => {
      const scope = freshScope();
      const { secret: first, endpoint } = await store.createEndpoint(scope);
      tick();
      const rotatedAt = clockMs;
      const second = await store.rotateEndpointSecret(scope, endpoint.id, { gracePeriodSeconds: 60 });
      expect(second?.secret).toMatch(SECRET_FORMAT);
      expect(second?.secret).not.toBe(first);
      expect(second?.endpoint).toEqual(endpoint);
      const at = (ms: number) => store.findEndpoint(scope, endpoint.id, new Date(ms));
      expect((await at(rotatedAt))?.secrets).toEqual([
        { secret: second?.secret, expiresAt: null },
        { secret: first, expiresAt: new Date(rotatedAt + 60_000) },
      ]);
      const during = (await at(rotatedAt + 59_999))?.secrets.map((s) => s.secret) ?? [];
      expect(verifies(first, during, new Date(rotatedAt + 59_999))).toBe(true);
      expect(verifies(second?.secret ?? '', during, new Date(rotatedAt + 59_999))).toBe(true);
      // What is returned depends on the time asked, not on the store's clock.
      const after = (await at(rotatedAt + 60_000))?.secrets.map((s) => s.secret) ?? [];
      expect(after).toEqual([second?.secret]);
      expect(verifies(first, after, new Date(rotatedAt + 60_000))).toBe(false);

      // Rotating again within the grace: the first secret keeps its own end, the second gets one.
      tick(10_000);
      const third = await store.rotateEndpointSecret(scope, endpoint.id, { gracePeriodSeconds: 3600 });
      expect((await at(clockMs))?.secrets).toEqual([
        { secret: third?.secret, expiresAt: null },
        { secret: second?.secret, expiresAt: new Date(clockMs + 3_600_000) },
        { secret: first, expiresAt: new Date(rotatedAt + 60_000) },
      ]);
      // The default grace period is a day.
      const fourth = await store.rotateEndpointSecret(scope, endpoint.id);
      expect((await at(clockMs))?.secrets.slice(0, 2)).toEqual([
        { secret: fourth?.secret, expiresAt: null },
        { secret: third?.secret, expiresAt: new Date(clockMs + DAY_MS) },
      ]);
      expect((await at(clockMs + DAY_MS))?.secrets.map((s) => s.secret)).toEqual([fourth?.secret]);
    });

    it('rotates with a grace of 0: the old secret stops verifying at once', async () => {
      const scope = freshScope();
      const { secret: old, endpoint } = await store.createEndpoint(scope);
      const rotated = await store.rotateEndpointSecret(scope, endpoint.id, { gracePeriodSeconds: 0 });
      const found = await store.findEndpoint(scope, endpoint.id, now());
      expect(found?.secrets).toEqual([{ secret: rotated?.secret, expiresAt: null }]);
      expect(verifies(old, found?.secrets.map((s) => s.secret) ?? [], now())).toBe(false);
      expect(verifies(rotated?.secret ?? '', found?.secrets.map((s) => s.secret) ?? [], now())).toBe(true);
    });

    it('records a delivery once; the same webhook-id again is a replay on that endpoint only', async () => {
      const scope = freshScope();
      const a = await store.createEndpoint(scope);
      const b = await store.createEndpoint(scope);
      const first = delivery(a.endpoint.id, { webhookId: 'msg_1', size: 10 });
      expect(await store.recordDelivery(scope, first)).toBe('recorded');
      tick();
      expect(await store.recordDelivery(scope, { ...first, size: 11, receivedAt: now(), eventType: null })).toBe(
        'replayed',
      );
      expect(await store.recordDelivery(scope, { ...first, endpointId: b.endpoint.id })).toBe('recorded');
      expect(await store.recordDelivery(scope, { ...first, webhookId: 'msg_2' })).toBe('recorded');
      // The replay changed nothing: the first record stands.
      expect(await store.listDeliveries(scope, a.endpoint.id)).toEqual({
        items: [{ ...first, webhookId: 'msg_2' }, first],
        total: 2,
      });
    });

    it('records exactly one of 20 parallel deliveries of one webhook-id', async () => {
      const scope = freshScope();
      const { endpoint } = await store.createEndpoint(scope);
      const one = delivery(endpoint.id);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.recordDelivery(scope, { ...one })));
      expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r === 'replayed')).toHaveLength(19);
      expect(await store.listDeliveries(scope, endpoint.id)).toEqual({ items: [one], total: 1 });
    });

    it('lists deliveries newest first by receivedAt (the later recorded first on a tie), with the total', async () => {
      const scope = freshScope();
      const { endpoint } = await store.createEndpoint(scope);
      const at = (s: number) => new Date(clockMs + s * 1000);
      // Recorded out of order: the listing follows receivedAt, not the order of the calls.
      const d3 = delivery(endpoint.id, { receivedAt: at(3), eventType: null, size: 0 });
      const d1 = delivery(endpoint.id, { receivedAt: at(1), eventType: 'a.b' });
      const d2a = delivery(endpoint.id, { receivedAt: at(2), webhookId: 'msg_2a' });
      const d2b = delivery(endpoint.id, { receivedAt: at(2), webhookId: 'msg_2b', size: Number.MAX_SAFE_INTEGER });
      for (const d of [d3, d1, d2a, d2b]) expect(await store.recordDelivery(scope, d)).toBe('recorded');
      const all = await store.listDeliveries(scope, endpoint.id);
      expect(all).toEqual({ items: [d3, d2b, d2a, d1], total: 4 });
      expect(all?.items[0]?.receivedAt).toBeInstanceOf(Date);
      expect(await store.listDeliveries(scope, endpoint.id, { limit: 2, offset: 1 })).toEqual({
        items: [d2b, d2a],
        total: 4,
      });
      expect(await store.listDeliveries(scope, endpoint.id, { offset: 4 })).toEqual({ items: [], total: 4 });
      expect(await store.listDeliveries(scope, endpoint.id, { offset: Number.MAX_SAFE_INTEGER })).toEqual({
        items: [],
        total: 4,
      });
      const { endpoint: empty } = await store.createEndpoint(scope);
      expect(await store.listDeliveries(scope, empty.id)).toEqual({ items: [], total: 0 });
    });

    it('deletes an endpoint with its deliveries: a new delivery of it is refused, its ids are free', async () => {
      const scope = freshScope();
      const doomed = await store.createEndpoint(scope);
      const kept = await store.createEndpoint(scope);
      const d = delivery(doomed.endpoint.id, { webhookId: 'msg_shared' });
      expect(await store.recordDelivery(scope, d)).toBe('recorded');
      expect(await store.recordDelivery(scope, { ...d, endpointId: kept.endpoint.id })).toBe('recorded');
      expect(await store.deleteEndpoint(scope, doomed.endpoint.id)).toBe(true);
      expect(await store.findEndpoint(scope, doomed.endpoint.id, now())).toBeNull();
      expect(await store.listDeliveries(scope, doomed.endpoint.id)).toBeNull();
      await expect(store.recordDelivery(scope, d)).rejects.toThrow(/no such endpoint/);
      expect(await store.rotateEndpointSecret(scope, doomed.endpoint.id)).toBeNull();
      expect(await store.deleteEndpoint(scope, doomed.endpoint.id)).toBe(false);
      expect((await store.listEndpoints(scope)).map((e) => e.id)).toEqual([kept.endpoint.id]);
      // The other endpoint's delivery of the same webhook-id is its own, and stays.
      expect(await store.listDeliveries(scope, kept.endpoint.id)).toEqual({
        items: [{ ...d, endpointId: kept.endpoint.id }],
        total: 1,
      });
    });

    it('refuses bad endpoint input, rotation input, scopes and paging exactly as core MemoryWebhookStore does', async () => {
      const reference = new MemoryWebhookStore({ now });
      const scope = freshScope();
      const mine = await store.createEndpoint(scope);
      const theirs = await reference.createEndpoint(scope);
      const scopeArb = fc.oneof(
        fc.constant(scope),
        fc.record({ tenantId: identifier, environmentId: identifier }),
        fc.anything(),
      );
      const idArb = fc.oneof(fc.constant('mine'), fc.constantFrom('whe_none', ''), fc.anything());
      await fc.assert(
        fc.asyncProperty(createInput, scopeArb, idArb, rotateInput, paging, async (input, s, id, r, p) => {
          const want = await outcome(() => reference.createEndpoint(input as never));
          const got = await outcome(() => store.createEndpoint(input as never));
          expectSameRefusal(got, want);
          if (got.ok && want.ok) {
            const made = (got.value as { endpoint: WebhookEndpointRecord }).endpoint;
            expect(comparable(made)).toEqual(comparable((want.value as { endpoint: WebhookEndpointRecord }).endpoint));
          }
          const idOf = (own: string) => (id === 'mine' ? own : (id as string));
          const k = s as KeyScope;
          const pairs: [() => Promise<unknown>, () => Promise<unknown>][] = [
            [() => reference.listEndpoints(k), () => store.listEndpoints(k)],
            [
              () => reference.findEndpoint(k, idOf(theirs.endpoint.id), now()),
              () => store.findEndpoint(k, idOf(mine.endpoint.id), now()),
            ],
            [
              () => reference.listDeliveries(k, idOf(theirs.endpoint.id), p as never),
              () => store.listDeliveries(k, idOf(mine.endpoint.id), p as never),
            ],
            // Rotations change the secrets, but on both alike; only refusals are compared.
            [
              () => reference.rotateEndpointSecret(k, idOf(theirs.endpoint.id), r as never),
              () => store.rotateEndpointSecret(k, idOf(mine.endpoint.id), r as never),
            ],
            [() => reference.deleteEndpoint(k, 'whe_none'), () => store.deleteEndpoint(k, 'whe_none')],
          ];
          for (const [ref, actual] of pairs) {
            const w = await outcome(ref);
            const g = await outcome(actual);
            expectSameRefusal(g, w);
            // null (not in scope) on one must be null on the other.
            if (g.ok && w.ok) expect(g.value === null).toBe(w.value === null);
          }
        }),
        { numRuns: 50 },
      );
    });

    it('refuses bad deliveries exactly as core MemoryWebhookStore does, and records what it accepts alike', async () => {
      const reference = new MemoryWebhookStore({ now });
      const scope = freshScope();
      const mine = await store.createEndpoint(scope);
      const theirs = await reference.createEndpoint(scope);
      const deliveryArb = fc.oneof(
        fc.record(
          {
            webhookId: fc.oneof(
              fc.stringMatching(/^[\x21-\x7e]{1,12}$/),
              fc.constantFrom('', ' ', 'a b', 'x'.repeat(256), 'x'.repeat(257), 'é'),
              fc.anything(),
            ),
            endpointId: fc.oneof(fc.constant('mine'), fc.constant('whe_none'), fc.anything()),
            eventType: fc.oneof(
              fc.constant(null),
              fc.string({ unit: 'grapheme', maxLength: 20 }),
              fc.constantFrom('', 'x'.repeat(200), 'x'.repeat(201), 'a\u0000b', 'half \ud800'),
              fc.anything(),
            ),
            receivedAt: fc.oneof(
              fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
              fc.constant(new Date(Number.NaN)),
              fc.string(),
              fc.anything(),
            ),
            size: fc.oneof(
              fc.nat(),
              fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, '10'),
              fc.anything(),
            ),
          },
          { requiredKeys: [] },
        ),
        fc.record({ webhookId: fc.constant('msg_x'), endpointId: fc.constant('mine'), extra: fc.anything() }),
        fc.anything(),
      );
      const scopeArb = fc.oneof(fc.constant(scope), fc.anything());
      const withEndpoint = (d: unknown, own: string) =>
        typeof d === 'object' && d !== null && (d as { endpointId?: unknown }).endpointId === 'mine'
          ? { ...d, endpointId: own }
          : d;
      await fc.assert(
        fc.asyncProperty(scopeArb, deliveryArb, async (s, d) => {
          const want = await outcome(() =>
            reference.recordDelivery(s as KeyScope, withEndpoint(d, theirs.endpoint.id) as never),
          );
          const got = await outcome(() =>
            store.recordDelivery(s as KeyScope, withEndpoint(d, mine.endpoint.id) as never),
          );
          expectSameRefusal(got, want);
          if (got.ok && want.ok) expect(got.value).toBe(want.value);
        }),
        { numRuns: 80 },
      );
      const listed = await store.listDeliveries(scope, mine.endpoint.id, { limit: 100 });
      const expected = await reference.listDeliveries(scope, theirs.endpoint.id, { limit: 100 });
      expect(listed?.total).toBe(expected?.total);
      expect(listed?.items.map(({ endpointId: _e, ...rest }) => rest)).toEqual(
        expected?.items.map(({ endpointId: _e, ...rest }) => rest),
      );
    });
  });
}
