import { DEV_API_KEY, DEV_ENVIRONMENT_ID, DEV_TENANT_ID, signWebhook } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { WEBHOOK_BODY_LIMIT } from '../src/routes/webhooks.js';
import { body, captureLogs, createKeyVia, devHeaders, memoryStorage, withKey } from './helpers.js';

// No key, session token or webhook secret may reach the logs: not from headers, bodies or errors.

describe('logs', () => {
  it('never contain a key, wherever the request carried it', async () => {
    const logs = captureLogs();
    const app = createApp({
      storage: memoryStorage(),
      devKey: true,
      failureLimit: false,
      logger: { level: 'trace', stream: logs.stream },
    });
    const made = await createKeyVia(app, DEV_API_KEY, { name: 'logged' });
    const rotated = await app.inject({
      method: 'POST',
      url: `/v1/secrets/api/keys/${made.id}/rotate`,
      headers: devHeaders,
      payload: { grace_period_seconds: 60 },
    });
    const newKey = body<{ api_key: string }>(rotated).api_key;
    await app.inject({ url: '/v1/me', headers: withKey(made.key) });
    await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${newKey}`, 'x-session-token': newKey } });
    await app.inject({ url: '/v1/me', headers: { 'X-API-KEY': newKey.toUpperCase() } });
    await app.inject({ url: '/v1/me', headers: { 'x-api-key': [made.key, newKey] } });
    await app.inject({ url: '/v1/nothing', headers: withKey(newKey) });
    await app.inject({
      method: 'POST',
      url: '/v1/secrets/api/keys',
      headers: { ...withKey(newKey), 'content-type': 'application/json' },
      payload: `{"name": "${newKey}`,
    });
    await app.inject({
      method: 'POST',
      url: '/v1/secrets/api/keys',
      headers: withKey(newKey),
      payload: { name: 'x', [newKey]: 1 },
    });
    // An Idempotency-Key opens the stored answer of a create, which holds the new key.
    const idempotencyKey = 'i'.repeat(20) + newKey.slice(0, 20);
    await app.inject({
      method: 'POST',
      url: '/v1/secrets/api/keys',
      headers: withKey(newKey, { 'idempotency-key': idempotencyKey }),
      payload: { name: 'idempotent' },
    });
    await app.close();

    const text = logs.text();
    expect(text).not.toContain(idempotencyKey);
    expect(text).toContain('"idempotency-key":"[Redacted]"');
    // The request logs carry headers, so the redaction is what keeps keys out.
    expect(text).toContain('"x-api-key":"[Redacted]"');
    expect(text).toContain('"authorization":"[Redacted]"');
    expect(text).toContain('"x-session-token":"[Redacted]"');
    for (const key of [DEV_API_KEY, made.key, newKey]) {
      expect(text).not.toContain(key);
      expect(text.toLowerCase()).not.toContain(key);
    }
  });

  it('never contain a session token or a webhook secret, at trace, whatever the request did with them', async () => {
    const logs = captureLogs();
    const storage = memoryStorage();
    const app = createApp({
      storage,
      devKey: true,
      failureLimit: false,
      logger: { level: 'trace', stream: logs.stream },
    });
    const post = (url: string, payload: object, headers = devHeaders) =>
      app.inject({ method: 'POST', url, headers, payload });

    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      tokens.push(body<{ token: string }>(await post('/v1/portal/sessions', { customer_id: `cus_${i}` })).token);
    }
    const [token, other] = tokens as [string, string];
    await app.inject({ url: '/v1/portal/me', headers: { 'x-session-token': token } });
    // Sent where no token belongs: in the key's header, as a bearer token, twice, or as a key route's body.
    await app.inject({ url: '/v1/portal/me', headers: { 'x-api-key': token } });
    await app.inject({ url: '/v1/me', headers: { 'x-api-key': token, authorization: `Bearer ${other}` } });
    await app.inject({ url: '/v1/portal/me', headers: { 'x-session-token': [token, other] } });
    await post('/v1/portal/sessions', { customer_id: token });
    await post('/v1/portal/sessions', { [other]: 1 });
    await app.inject({ method: 'DELETE', url: '/v1/portal/sessions/current', headers: { 'x-session-token': token } });
    await app.inject({ url: '/v1/portal/me', headers: { 'x-session-token': token } });

    const created = body<{ id: string; secret: string }>(await post('/v1/webhooks/endpoints', { name: 'logged' }));
    const rotated = body<{ secret: string }>(
      await post(`/v1/webhooks/endpoints/${created.id}/rotate-secret`, { grace_period_seconds: 60 }),
    );
    const secrets = [created.secret, rotated.secret];
    const url = `/v1/webhooks/${DEV_TENANT_ID}/${DEV_ENVIRONMENT_ID}/${created.id}`;
    // Verified, replayed, tampered, unknown and too large; one whose body carries the secret itself.
    const payload = JSON.stringify({ type: 'leak', secret: created.secret, token });
    const signed = signWebhook({ id: 'msg_log', payload, secret: secrets });
    for (const [to, bytes, headers] of [
      [url, payload, signed],
      [url, payload, signed],
      [url, `${payload} `, signed],
      [url.replace(created.id, 'whe_none'), payload, signed],
      [url, 'x'.repeat(WEBHOOK_BODY_LIMIT + 1), signed],
      [url, payload, { ...signed, 'webhook-signature': created.secret }],
    ] as const) {
      await app.inject({
        method: 'POST',
        url: to,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: bytes,
      });
    }
    await post('/v1/webhooks/endpoints', { name: created.secret });
    await app.close();

    const text = logs.text();
    expect(text).toContain('"x-session-token":"[Redacted]"');
    expect(text).toContain('"webhook-signature":"[Redacted]"');
    // The deliveries were logged, their ids included: only the secret parts are kept out.
    expect(text).toContain('"webhook-id":"msg_log"');
    for (const secret of [...tokens, ...secrets]) {
      expect(text).not.toContain(secret);
      // Nor the part after the prefix, the secret material itself.
      expect(text).not.toContain(secret.slice(secret.indexOf('_') + 1));
    }
  });

  it('keep the request id with every line of a request', async () => {
    const logs = captureLogs();
    const app = createApp({
      storage: memoryStorage(),
      devKey: true,
      logger: { level: 'info', stream: logs.stream },
    });
    await app.inject({ url: '/v1/me', headers: { ...devHeaders, 'x-request-id': 'trace-123' } });
    await app.close();
    const entries = logs
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reqId?: string; msg: string });
    const ofRequest = entries.filter((e) => e.reqId === 'trace-123');
    expect(ofRequest.map((e) => e.msg)).toEqual(['incoming request', 'request completed']);
  });
});
