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
        query: { limit: 5, offset: 10, cursor: undefined },
        isExpectedBody: 'a function',
        signal,
        timeoutMs: 1000,
      },
    ]);
  });

  it('create and rotate send an Idempotency-Key of 32 random bytes, fresh per call, so the transport may retry them', async () => {
    const { keys, sent } = fakeTransport({ apiKey: 'c'.repeat(64), secret: CAMEL_KEY });
    await keys.create({ name: 'ci', scopes: ['keys:read'], expiresAt: '2031-01-01T00:00:00.000Z' });
    await keys.rotate('k/1', { gracePeriodSeconds: 60 });
    await keys.create({ name: 'ci' });
    const idempotencyKeys = sent.map((request) => request.headers?.['idempotency-key']);
    for (const key of idempotencyKeys) expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(idempotencyKeys).size).toBe(3);
    expect(sent.map(described).slice(0, 2)).toEqual([
      {
        operation: 'keys.create',
        method: 'POST',
        path: '/v1/secrets/api/keys',
        body: { name: 'ci', type: undefined, scopes: ['keys:read'], expiresAt: '2031-01-01T00:00:00.000Z' },
        headers: { 'idempotency-key': idempotencyKeys[0] },
        idempotent: true,
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        operation: 'keys.rotate',
        method: 'POST',
        path: '/v1/secrets/api/keys/k%2F1/rotate',
        body: { gracePeriodSeconds: 60 },
        headers: { 'idempotency-key': idempotencyKeys[1] },
        idempotent: true,
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: undefined,
      },
    ]);
  });

  it("takes the caller's idempotency key, so a retry of a whole job reuses it, and refuses a weak one", async () => {
    const { keys, sent } = fakeTransport({ apiKey: 'c'.repeat(64), secret: CAMEL_KEY });
    const idempotencyKey = `job-42-${'x'.repeat(30)}`;
    await keys.create({ name: 'ci' }, { idempotencyKey });
    await keys.rotate('k1', {}, { idempotencyKey });
    expect(sent.map((r) => r.headers?.['idempotency-key'])).toEqual([idempotencyKey, idempotencyKey]);
    for (const bad of ['short', 'x'.repeat(256), `${'x'.repeat(40)} y`, 42]) {
      await expect(keys.create({ name: 'ci' }, { idempotencyKey: bad as string })).rejects.toThrow(
        'keys.create: idempotencyKey must be 32 to 255 printable ASCII characters without spaces',
      );
      await expect(keys.rotate('k1', {}, { idempotencyKey: bad as string })).rejects.toThrow(TypeError);
    }
    expect(sent).toHaveLength(2);
  });

  it('list() is one page when awaited, and every key when iterated, following next_cursor', async () => {
    const page = (ids: string[], nextCursor: string | null) => ({
      items: ids.map((id) => ({ ...CAMEL_KEY, id })),
      pagination: { total: 5, limit: 2, offset: 0, nextCursor },
    });
    const pages = [page(['a', 'b'], 'c1'), page(['c', 'd'], 'c2'), page(['e'], null)];
    const sent: TransportRequest[] = [];
    const keys = new KeyManagement({
      async send(request: TransportRequest) {
        sent.push(request);
        const cursor = request.query?.cursor;
        return pages[cursor === undefined ? 0 : cursor === 'c1' ? 1 : 2];
      },
    });
    expect((await keys.list({ limit: 2 })).items.map((k) => k.id)).toEqual(['a', 'b']);
    expect(sent).toHaveLength(1);

    sent.length = 0;
    const ids: string[] = [];
    for await (const key of keys.list({ limit: 2 }, { signal })) ids.push(key.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sent.map((r) => [r.query, r.signal])).toEqual([
      [{ limit: 2, offset: undefined, cursor: undefined }, signal],
      [{ limit: 2, offset: undefined, cursor: 'c1' }, signal],
      [{ limit: 2, offset: undefined, cursor: 'c2' }, signal],
    ]);

    // Breaking out early sends nothing more.
    sent.length = 0;
    for await (const key of keys.list({ limit: 2 })) if (key.id === 'a') break;
    expect(sent).toHaveLength(1);
  });

  it('iterates by offset against a server that sends no next_cursor', async () => {
    const all = ['a', 'b', 'c'];
    const sent: TransportRequest[] = [];
    const keys = new KeyManagement({
      async send(request: TransportRequest) {
        sent.push(request);
        const offset = Number(request.query?.offset ?? 0);
        const items = all.slice(offset, offset + 2).map((id) => ({ ...CAMEL_KEY, id }));
        return { items, pagination: { total: all.length, limit: 2, offset } };
      },
    });
    const ids: string[] = [];
    for await (const key of keys.list({ limit: 2 })) ids.push(key.id);
    expect(ids).toEqual(all);
    expect(sent.map((r) => r.query?.offset)).toEqual([undefined, 2]);
  });

  it('iterating a list whose page fails throws that failure', async () => {
    const keys = new KeyManagement({
      async send() {
        throw new Error('down');
      },
    });
    const walk = async () => {
      for await (const _ of keys.list()) {
        // never reached
      }
    };
    await expect(walk()).rejects.toThrow('down');
    await expect(keys.list('x' as never)).rejects.toThrow('keys.list: input must be an object');
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
