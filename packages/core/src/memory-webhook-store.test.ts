import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/helpers.js';
import { MemoryWebhookStore } from './memory-webhook-store.js';
import { signWebhook, verifyWebhook } from './webhook-signatures.js';
import { activeWebhookSecrets, parseWebhookDelivery, webhookEventType } from './webhook-store-input.js';

const scope = { tenantId: 't_1', environmentId: 'prod' };
const otherScopes = [
  { tenantId: 't_2', environmentId: 'prod' },
  { tenantId: 't_1', environmentId: 'dev' },
];

describe('MemoryWebhookStore', () => {
  it('creates an endpoint with a whsec_ secret shown once, never in its record', async () => {
    const clock = manualClock();
    const store = new MemoryWebhookStore({ now: clock.date });
    const { secret, endpoint } = await store.createEndpoint({ ...scope, name: 'billing' });
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toEqual({
      id: expect.stringMatching(/^whe_[0-9a-f]{24}$/),
      ...scope,
      name: 'billing',
      toleranceSeconds: 300,
      createdAt: clock.date(),
    });
    expect(JSON.stringify(await store.listEndpoints(scope))).not.toContain(secret.slice(6));
    const found = await store.findEndpoint(scope, endpoint.id, clock.date());
    expect(found?.secrets).toEqual([{ secret, expiresAt: null }]);
  });

  it('refuses bad input, naming the field', async () => {
    const store = new MemoryWebhookStore();
    await expect(store.createEndpoint({ ...scope, toleranceSeconds: 0 })).rejects.toThrow(/toleranceSeconds/);
    await expect(store.createEndpoint({ ...scope, toleranceSeconds: 3601 })).rejects.toThrow(/toleranceSeconds/);
    await expect(store.createEndpoint({ ...scope, tenantId: '' })).rejects.toThrow(/tenantId/);
    await expect(store.createEndpoint({ ...scope, url: 'x' } as never)).rejects.toThrow(/url: unknown field/);
  });

  it('confines every operation to its scope: another scope sees nothing', async () => {
    const store = new MemoryWebhookStore();
    const { endpoint } = await store.createEndpoint(scope);
    const delivery = { webhookId: 'msg_1', endpointId: endpoint.id, eventType: null, receivedAt: new Date(), size: 2 };
    for (const other of otherScopes) {
      expect(await store.listEndpoints(other)).toEqual([]);
      expect(await store.findEndpoint(other, endpoint.id, new Date())).toBeNull();
      expect(await store.rotateEndpointSecret(other, endpoint.id)).toBeNull();
      expect(await store.listDeliveries(other, endpoint.id)).toBeNull();
      expect(await store.deleteEndpoint(other, endpoint.id)).toBe(false);
      await expect(store.recordDelivery(other, delivery)).rejects.toThrow(/no such endpoint/);
    }
    expect(await store.listEndpoints(scope)).toHaveLength(1);
  });

  it('rotates: the old secret verifies through the grace period, then only the new one', async () => {
    const clock = manualClock();
    const store = new MemoryWebhookStore({ now: clock.date });
    const { secret: old, endpoint } = await store.createEndpoint(scope);
    const rotated = await store.rotateEndpointSecret(scope, endpoint.id, { gracePeriodSeconds: 60 });
    expect(rotated?.secret).toMatch(/^whsec_/);
    expect(rotated?.secret).not.toBe(old);
    const during = await store.findEndpoint(scope, endpoint.id, clock.date());
    expect(activeWebhookSecrets(during!, clock.date())).toEqual([rotated?.secret, old]);
    const signedWithOld = signWebhook({ id: 'msg_1', payload: '{}', secret: old, timestamp: clock.date() });
    expect(
      verifyWebhook({
        headers: signedWithOld,
        payload: '{}',
        secrets: during!.secrets.map((s) => s.secret),
        now: clock.date,
      }).ok,
    ).toBe(true);
    clock.advance(61_000);
    const after = await store.findEndpoint(scope, endpoint.id, clock.date());
    expect(after?.secrets.map((s) => s.secret)).toEqual([rotated?.secret]);
    const immediate = await store.rotateEndpointSecret(scope, endpoint.id, { gracePeriodSeconds: 0 });
    const now = await store.findEndpoint(scope, endpoint.id, clock.date());
    expect(now?.secrets.map((s) => s.secret)).toEqual([immediate?.secret]);
    await expect(store.rotateEndpointSecret(scope, endpoint.id, { gracePeriodSeconds: -1 })).rejects.toThrow(
      /gracePeriodSeconds/,
    );
  });

  it('records a delivery once and calls the same webhook-id again a replay, per endpoint', async () => {
    const store = new MemoryWebhookStore();
    const a = await store.createEndpoint(scope);
    const b = await store.createEndpoint(scope);
    const at = new Date('2030-01-01T00:00:00Z');
    const delivery = {
      webhookId: 'msg_1',
      endpointId: a.endpoint.id,
      eventType: 'invoice.paid',
      receivedAt: at,
      size: 10,
    };
    expect(await store.recordDelivery(scope, delivery)).toBe('recorded');
    expect(await store.recordDelivery(scope, { ...delivery, size: 11 })).toBe('replayed');
    expect(await store.recordDelivery(scope, { ...delivery, endpointId: b.endpoint.id })).toBe('recorded');
    expect(await store.recordDelivery(scope, { ...delivery, webhookId: 'msg_2' })).toBe('recorded');
    const page = await store.listDeliveries(scope, a.endpoint.id, { limit: 1 });
    expect(page).toEqual({ items: [{ ...delivery, webhookId: 'msg_2' }], total: 2 });
    expect(await store.deleteEndpoint(scope, a.endpoint.id)).toBe(true);
    expect(await store.listDeliveries(scope, a.endpoint.id)).toBeNull();
  });

  it('lists deliveries newest first by receivedAt, the later recorded first among equal times', async () => {
    const store = new MemoryWebhookStore();
    const { endpoint } = await store.createEndpoint(scope);
    const at = (s: number) => new Date(Date.parse('2030-01-01T00:00:00Z') + s * 1000);
    const made = (webhookId: string, s: number) => ({
      webhookId,
      endpointId: endpoint.id,
      eventType: null,
      receivedAt: at(s),
      size: 1,
    });
    // Recorded out of order (two instances, two clocks): the listing follows receivedAt.
    for (const d of [made('m3', 3), made('m1', 1), made('m2a', 2), made('m2b', 2)])
      await store.recordDelivery(scope, d);
    const page = await store.listDeliveries(scope, endpoint.id);
    expect(page?.items.map((d) => d.webhookId)).toEqual(['m3', 'm2b', 'm2a', 'm1']);
  });

  it('refuses a malformed delivery before looking the endpoint up, naming the field', async () => {
    const store = new MemoryWebhookStore();
    const { endpoint } = await store.createEndpoint(scope);
    const good = { webhookId: 'msg_1', endpointId: endpoint.id, eventType: null, receivedAt: new Date(), size: 0 };
    const cases: [unknown, RegExp][] = [
      [null, /^Invalid webhook delivery: /],
      [{ ...good, webhookId: 'has space' }, /webhookId: must be printable ASCII/],
      [{ ...good, receivedAt: new Date(Number.NaN) }, /receivedAt/],
      [{ ...good, size: -1 }, /size/],
      [{ ...good, eventType: 'a\u0000b' }, /eventType/],
      [{ ...good, payload: '{}' }, /payload: unknown field/],
      [{ ...good, endpointId: 'whe_none', size: 1.5 }, /size/],
    ];
    for (const [delivery, message] of cases) {
      await expect(store.recordDelivery(scope, delivery as never)).rejects.toThrow(TypeError);
      await expect(store.recordDelivery(scope, delivery as never)).rejects.toThrow(message);
    }
    expect(await store.listDeliveries(scope, endpoint.id)).toEqual({ items: [], total: 0 });
    expect(await store.recordDelivery(scope, good)).toBe('recorded');
  });
});

describe('parseWebhookDelivery', () => {
  it('accepts what a receiver records and hands back a copy', () => {
    const receivedAt = new Date('2030-01-01T00:00:00Z');
    const delivery = { webhookId: 'x'.repeat(256), endpointId: 'whe_1', eventType: 't', receivedAt, size: 2 ** 40 };
    const parsed = parseWebhookDelivery(delivery);
    expect(parsed).toEqual(delivery);
    expect(parsed.receivedAt).not.toBe(receivedAt);
    expect(() => parseWebhookDelivery({ ...delivery, webhookId: 'x'.repeat(257) })).toThrow(/webhookId/);
    expect(() => parseWebhookDelivery({ ...delivery, eventType: 'x'.repeat(201) })).toThrow(/eventType/);
    expect(() => parseWebhookDelivery({ ...delivery, eventType: 'half \ud800' })).toThrow(/eventType/);
    expect(() => parseWebhookDelivery({ ...delivery, eventType: undefined })).toThrow(/eventType: required/);
  });
});

describe('webhookEventType', () => {
  it("reads a JSON payload's string type and nothing else, never throwing", () => {
    expect(webhookEventType('{"type":"invoice.paid"}')).toBe('invoice.paid');
    expect(webhookEventType(Buffer.from('{"type":"a.b","data":{}}'))).toBe('a.b');
    for (const payload of [
      '',
      'not json',
      '[]',
      '{"type":1}',
      '{"type":""}',
      'null',
      `{"type":"${'x'.repeat(201)}"}`,
      // Types no database text column can keep as given: no type, rather than an unrecordable webhook.
      '{"type":"a\\u0000b"}',
      '{"type":"\\ud800"}',
    ]) {
      expect(webhookEventType(payload)).toBeNull();
    }
  });
});
