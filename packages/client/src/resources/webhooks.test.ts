import { describe, expect, it } from 'vitest';
import { CAMEL_DELIVERY, CAMEL_ENDPOINT, WEBHOOK_SECRET } from '../../test/helpers.js';
import type { TransportRequest } from '../transport.js';
import { WebhookManagement } from './webhooks.js';

// The resource alone, on a fake transport: what each call asks the transport for.

function fakeTransport(answer: unknown) {
  const sent: TransportRequest[] = [];
  const transport = {
    async send(request: TransportRequest): Promise<unknown> {
      sent.push(request);
      return answer;
    },
  };
  return { webhooks: new WebhookManagement(transport), sent };
}

function described({ isExpectedBody, ...rest }: TransportRequest) {
  return { ...rest, isExpectedBody: isExpectedBody === undefined ? undefined : 'a function' };
}

const CREATED = { ...CAMEL_ENDPOINT, secret: WEBHOOK_SECRET };
const ID = CAMEL_ENDPOINT.id;

describe('WebhookManagement', () => {
  it('createEndpoint and rotateSecret are POSTs never marked idempotent', async () => {
    const { webhooks, sent } = fakeTransport(CREATED);
    await expect(webhooks.createEndpoint({ name: 'billing', toleranceSeconds: 60 })).resolves.toEqual(CREATED);
    await expect(webhooks.rotateSecret(ID, { gracePeriodSeconds: 0 })).resolves.toEqual(CREATED);
    await webhooks.createEndpoint();
    expect(sent.map(described)).toEqual([
      {
        operation: 'webhooks.createEndpoint',
        method: 'POST',
        path: '/v1/webhooks/endpoints',
        body: { name: 'billing', toleranceSeconds: 60 },
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        operation: 'webhooks.rotateSecret',
        method: 'POST',
        path: `/v1/webhooks/endpoints/${ID}/rotate-secret`,
        body: { gracePeriodSeconds: 0 },
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        operation: 'webhooks.createEndpoint',
        method: 'POST',
        path: '/v1/webhooks/endpoints',
        body: { name: undefined, toleranceSeconds: undefined },
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
    ]);
    expect(sent.every((request) => request.idempotent === undefined)).toBe(true);
  });

  it('a created endpoint needs its secret; a listed one needs none, and loses any the server adds', async () => {
    const { webhooks, sent } = fakeTransport({ items: [CREATED] });
    await expect(webhooks.listEndpoints()).resolves.toEqual({ items: [CAMEL_ENDPOINT] });
    const list = sent[0]!.isExpectedBody!;
    expect(list({ items: [CAMEL_ENDPOINT] })).toBe(true);
    expect(list({ items: [{ ...CAMEL_ENDPOINT, toleranceSeconds: '300' }] })).toBe(false);
    expect(list([CAMEL_ENDPOINT])).toBe(false);

    await webhooks.createEndpoint({}).catch(() => {});
    const created = sent[1]!.isExpectedBody!;
    expect(created(CREATED)).toBe(true);
    expect(created(CAMEL_ENDPOINT)).toBe(false);
  });

  it('deleteEndpoint and listDeliveries escape the id; listDeliveries pages with limit and offset', async () => {
    const page = { items: [CAMEL_DELIVERY], pagination: { total: 1, limit: 10, offset: 0 } };
    const { webhooks, sent } = fakeTransport(page);
    await webhooks.deleteEndpoint('a/../b');
    await expect(webhooks.listDeliveries(ID, { limit: 10, offset: 0 })).resolves.toEqual(page);
    expect(sent.map(described)).toEqual([
      {
        operation: 'webhooks.deleteEndpoint',
        method: 'DELETE',
        path: '/v1/webhooks/endpoints/a%2F..%2Fb',
        isExpectedBody: undefined,
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        operation: 'webhooks.listDeliveries',
        method: 'GET',
        path: `/v1/webhooks/endpoints/${ID}/deliveries`,
        query: { limit: 10, offset: 0 },
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
    ]);
    const check = sent[1]!.isExpectedBody!;
    expect(check(page)).toBe(true);
    expect(check({ items: [{ ...CAMEL_DELIVERY, webhookId: null }], pagination: page.pagination })).toBe(false);
    expect(check({ items: [] })).toBe(false);
  });

  it('refuses a webhook secret given as an endpoint id, never quoting it, and sends nothing', async () => {
    const { webhooks, sent } = fakeTransport(undefined);
    for (const call of [
      () => webhooks.deleteEndpoint(WEBHOOK_SECRET),
      () => webhooks.rotateSecret(WEBHOOK_SECRET),
      () => webhooks.listDeliveries(WEBHOOK_SECRET),
    ]) {
      const err = (await call().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/id must be an id, not a key, session token or webhook secret; nothing was sent$/);
      expect(err.message).not.toContain(WEBHOOK_SECRET.slice(6, 20));
    }
    expect(sent).toEqual([]);
  });
});
