import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/helpers.js';
import { MemoryWebhookStore } from './memory-webhook-store.js';
import { signWebhook, verifyWebhook } from './webhook-signatures.js';
import { activeWebhookSecrets, webhookEventType } from './webhook-store-input.js';

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
    ]) {
      expect(webhookEventType(payload)).toBeNull();
    }
  });
});
