import { describe, expect, it } from 'vitest';
import { CAMEL_KEY } from '../../test/helpers.js';
import type { TransportRequest } from '../transport.js';
import { KeyManagement } from './keys.js';

// The resource alone, on a fake transport: what each call asks the transport for. What the
// transport then does with it (URL, headers, retries) is tested through the client.

function fakeTransport(answer: unknown) {
  const sent: TransportRequest[] = [];
  const transport = {
    async send(request: TransportRequest): Promise<unknown> {
      sent.push(request);
      return answer;
    },
  };
  return { keys: new KeyManagement(transport), sent };
}

/** A request with its shape check replaced by its name, so that requests compare with toEqual. */
function described({ isExpectedBody, ...rest }: TransportRequest) {
  return { ...rest, isExpectedBody: isExpectedBody === undefined ? undefined : 'a function' };
}

const signal = new AbortController().signal;

describe('KeyManagement', () => {
  it('describes each call as one TransportRequest named after the call', async () => {
    const { keys, sent } = fakeTransport({ items: [], pagination: { total: 0, limit: 5, offset: 0 } });
    await keys.list({ limit: 5, offset: 10 }, { signal, timeoutMs: 1000 });
    expect(sent.map(described)).toEqual([
      {
        operation: 'keys.list',
        method: 'GET',
        path: '/v1/secrets/api/keys',
        query: { limit: 5, offset: 10 },
        isExpectedBody: 'a function',
        signal,
        timeoutMs: 1000,
      },
    ]);
  });

  it('create and rotate are never marked idempotent, so the transport never sends them twice', async () => {
    const { keys, sent } = fakeTransport({ apiKey: 'c'.repeat(64), secret: CAMEL_KEY });
    await keys.create({ name: 'ci', scopes: ['keys:read'], expiresAt: '2031-01-01T00:00:00.000Z' });
    await keys.rotate('k/1', { gracePeriodSeconds: 60 });
    expect(sent.map(described)).toEqual([
      {
        operation: 'keys.create',
        method: 'POST',
        path: '/v1/secrets/api/keys',
        body: { name: 'ci', type: undefined, scopes: ['keys:read'], expiresAt: '2031-01-01T00:00:00.000Z' },
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        operation: 'keys.rotate',
        method: 'POST',
        path: '/v1/secrets/api/keys/k%2F1/rotate',
        body: { gracePeriodSeconds: 60 },
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
    ]);
    expect(sent.every((request) => request.idempotent === undefined)).toBe(true);
  });

  it('passes on only signal and timeoutMs of the per-call options', async () => {
    const { keys, sent } = fakeTransport(undefined);
    const stray = { timeoutMs: 5, idempotent: true, method: 'GET', headers: { 'x-a': 'b' } };
    await keys.revoke('k1', stray as never);
    expect(sent.map(described)).toEqual([
      {
        operation: 'keys.revoke',
        method: 'DELETE',
        path: '/v1/secrets/api/keys/k1',
        isExpectedBody: undefined,
        signal: undefined,
        timeoutMs: 5,
      },
    ]);
  });

  it('maps the wire names of a created key to key (the plaintext) and apiKey (the record)', async () => {
    const { keys } = fakeTransport({ apiKey: 'c'.repeat(64), secret: CAMEL_KEY });
    await expect(keys.create({ name: 'ci' })).resolves.toEqual({ key: 'c'.repeat(64), apiKey: CAMEL_KEY });
  });

  it('checks each body shape it expects', async () => {
    const { keys, sent } = fakeTransport(CAMEL_KEY);
    await keys.get('k1');
    await keys.update('k1', { active: false });
    const [get, update] = sent;
    for (const request of [get!, update!]) {
      expect(request.isExpectedBody?.(CAMEL_KEY)).toBe(true);
      expect(request.isExpectedBody?.({ items: [] })).toBe(false);
    }
    expect(update!.body).toEqual({ name: undefined, active: false });
  });
});
