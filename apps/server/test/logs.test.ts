import { Writable } from 'node:stream';
import { DEV_API_KEY } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { body, createKeyVia, devHeaders, memoryStorage, withKey } from './helpers.js';

// The plaintext key must never reach the logs: not from headers, not from errors.

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

describe('logs', () => {
  it('never contain a key, wherever the request carried it', async () => {
    const logs = capture();
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
    await app.close();

    const text = logs.text();
    // The request logs carry headers, so the redaction is what keeps keys out.
    expect(text).toContain('"x-api-key":"[Redacted]"');
    expect(text).toContain('"authorization":"[Redacted]"');
    expect(text).toContain('"x-session-token":"[Redacted]"');
    for (const key of [DEV_API_KEY, made.key, newKey]) {
      expect(text).not.toContain(key);
      expect(text.toLowerCase()).not.toContain(key);
    }
  });

  it('keep the request id with every line of a request', async () => {
    const logs = capture();
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
