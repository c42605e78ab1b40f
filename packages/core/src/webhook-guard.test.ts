import { describe, expect, it } from 'vitest';
import { ApiKeyError } from './errors.js';
import { createWebhookGuard } from './webhook-guard.js';
import { generateWebhookKeyPair, generateWebhookSecret, signWebhook } from './webhook-signatures.js';

const secret = generateWebhookSecret();
const payload = Buffer.from('{"type":"invoice.paid"}');
const signed = (with_: string | string[] = secret, timestamp = new Date()) =>
  signWebhook({ id: 'msg_1', timestamp, payload, secret: with_ });

describe('createWebhookGuard', () => {
  it('accepts a v1 and a v1a signature, handing back the id, the timestamp and the exact bytes', async () => {
    const pair = generateWebhookKeyPair();
    const guard = createWebhookGuard({ secrets: [secret, pair.publicKey] });
    for (const signer of [secret, pair.secretKey]) {
      const headers = signed(signer);
      const result = await guard.verify({}, { headers, payload });
      expect(result).toEqual({
        ok: true,
        webhook: { id: 'msg_1', timestamp: Number(headers['webhook-timestamp']), payload },
      });
      expect(result.ok && result.webhook.payload).toBe(payload);
    }
  });

  it("refuses a bad signature with 401 invalid_signature and core's message saying which check failed", async () => {
    const guard = createWebhookGuard({ secrets: [secret] });
    const other = await guard.verify({}, { headers: signed(generateWebhookSecret()), payload });
    expect(!other.ok && [other.error.code, other.error.status, other.error.message]).toEqual([
      'invalid_signature',
      401,
      'No webhook signature matches the endpoint secret',
    ]);
    const old = await guard.verify({}, { headers: signed(secret, new Date(Date.now() - 301_000)), payload });
    expect(!old.ok && old.error.message).toBe('The webhook-timestamp is too far from the current time');
    const none = await guard.verify({}, { headers: {}, payload });
    expect(!none.ok && none.error.message).toBe('Missing webhook-id, webhook-timestamp or webhook-signature header');
  });

  it('uses toleranceSeconds, and a tolerance the secrets function gives for its endpoint', async () => {
    const headers = signed(secret, new Date(Date.now() - 600_000));
    const strict = createWebhookGuard({ secrets: [secret] });
    expect((await strict.verify({}, { headers, payload })).ok).toBe(false);
    const lenient = createWebhookGuard({ secrets: [secret], toleranceSeconds: 900 });
    expect((await lenient.verify({}, { headers, payload })).ok).toBe(true);
    const perEndpoint = createWebhookGuard({ secrets: async () => ({ secrets: [secret], toleranceSeconds: 900 }) });
    expect((await perEndpoint.verify({}, { headers, payload })).ok).toBe(true);
  });

  it('asks the secrets function with the request: null is 404, a throw 503, a malformed answer 500', async () => {
    const seen: unknown[] = [];
    const down = new Error('database down');
    const guard = createWebhookGuard<{ endpoint: string }>({
      secrets: async (request) => {
        seen.push(request);
        if (request.endpoint === 'down') throw down;
        if (request.endpoint === 'bad') return { secret } as never;
        return request.endpoint === 'known' ? { secrets: [secret] } : null;
      },
    });
    const headers = signed();
    expect((await guard.verify({ endpoint: 'known' }, { headers, payload })).ok).toBe(true);
    const missing = await guard.verify({ endpoint: 'nope' }, { headers, payload });
    expect(!missing.ok && [missing.error.code, missing.error.status]).toEqual(['not_found', 404]);
    const unavailable = await guard.verify({ endpoint: 'down' }, { headers, payload });
    expect(!unavailable.ok && [unavailable.error.code, unavailable.error.status]).toEqual(['auth_unavailable', 503]);
    expect(!unavailable.ok && unavailable.error.cause).toBe(down);
    const malformed = await guard.verify({ endpoint: 'bad' }, { headers, payload });
    expect(!malformed.ok && [malformed.error.code, malformed.error.status]).toEqual(['internal_error', 500]);
    expect(!malformed.ok && String(malformed.error.cause)).toMatch(/options\.secrets must resolve to/);
    expect(!malformed.ok && String(malformed.error.cause)).not.toContain(secret);
    expect(seen).toEqual([{ endpoint: 'known' }, { endpoint: 'nope' }, { endpoint: 'down' }, { endpoint: 'bad' }]);
  });

  it('verifies with every secret the function gives (a rotation) and refuses when none verifies', async () => {
    const next = generateWebhookSecret();
    const guard = createWebhookGuard({ secrets: () => ({ secrets: [next, secret] }) });
    expect((await guard.verify({}, { headers: signed(secret), payload })).ok).toBe(true);
    expect((await guard.verify({}, { headers: signed(next), payload })).ok).toBe(true);
    const empty = createWebhookGuard({ secrets: () => ({ secrets: [] }) });
    const refused = await empty.verify({}, { headers: signed(secret), payload });
    expect(!refused.ok && [refused.error.code, refused.error.message]).toEqual([
      'invalid_signature',
      'No valid webhook secret is configured for this endpoint',
    ]);
  });

  it('has a 1 MiB limit by default and takes another', () => {
    expect(createWebhookGuard({ secrets: [secret] }).limit).toBe(1024 * 1024);
    expect(createWebhookGuard({ secrets: [secret], limit: 10 }).limit).toBe(10);
  });

  it('refuses a bad setup naming the option, never quoting a secret', () => {
    const caller = '@keyward/x: verifyWebhooks';
    const build = (options: unknown) => () =>
      createWebhookGuard(options as never, { caller, adapterOptions: ['onError'] });
    const { secretKey } = generateWebhookKeyPair();
    expect(build(undefined)).toThrow(`${caller}: options are required, with secrets`);
    expect(build({})).toThrow(
      `${caller}: options.secrets must be a non-empty array of whsec_ secrets and whpk_ public keys, or a function that resolves to them`,
    );
    expect(build({ secrets: [] })).toThrow(/options\.secrets must be a non-empty array/);
    expect(build({ secrets: secret })).toThrow(/options\.secrets must be a non-empty array/);
    for (const wrong of ['whsec_short', secretKey, 'sk_live_abc']) {
      const error = (() => {
        try {
          build({ secrets: [secret, wrong] })();
        } catch (err) {
          return err as Error;
        }
        return undefined;
      })();
      expect(error?.message).toBe(
        `${caller}: options.secrets[1] must be a whsec_ secret or a whpk_ public key (a whsk_ key signs: give its whpk_ public key)`,
      );
      expect(error?.message).not.toContain(wrong);
    }
    expect(build({ secrets: [secret], toleranceSeconds: -1 })).toThrow(
      `${caller}: options.toleranceSeconds must be a number of seconds, 0 or more`,
    );
    for (const limit of [0, 1.5, '1mb', Number.POSITIVE_INFINITY]) {
      expect(build({ secrets: [secret], limit })).toThrow(
        `${caller}: options.limit must be a whole number of bytes, 1 or more`,
      );
    }
    // A secret under a misspelt name is refused by name, its value never quoted.
    expect(build({ secret })).toThrow(`${caller}: options.secret is not an option (did you mean options.secrets?)`);
    expect(build({ secrets: [secret], tolerance: 60 })).toThrow(
      `${caller}: options.tolerance is not an option; known: secrets, toleranceSeconds, limit, onError`,
    );
    expect(build({ secrets: [secret], onError: () => {} })).not.toThrow();
  });

  it('never throws: a payload that is not bytes is refused as a value', async () => {
    const guard = createWebhookGuard({ secrets: [secret] });
    const result = await guard.verify({}, { headers: signed(), payload: 'text' as never });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(ApiKeyError);
  });
});
