import fc from 'fast-check';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookKeyPair,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  type WebhookVerification,
} from './webhook-signatures.js';

// The Standard Webhooks libraries' own published vector (standardwebhooks' "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => () => new Date(seconds * 1000);

function reasonOf(result: WebhookVerification): string {
  return result.ok ? 'accepted' : result.reason;
}

describe('generateWebhookSecret', () => {
  it('makes a whsec_ secret of 24 to 64 random bytes, new every time', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(Buffer.from(generateWebhookSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(Buffer.from(generateWebhookSecret(64).slice(6), 'base64')).toHaveLength(64);
    expect(generateWebhookSecret()).not.toBe(secret);
    for (const bad of [23, 65, 32.5, Number.NaN]) expect(() => generateWebhookSecret(bad)).toThrow(/bytes must be/);
  });
});

describe('signWebhook', () => {
  it("matches the Standard Webhooks libraries' published test vector", () => {
    const headers = signWebhook({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      payload: VECTOR.payload,
      secret: VECTOR.secret,
    });
    expect(headers).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
    const fromDate = signWebhook({ ...VECTOR, timestamp: new Date(VECTOR.timestamp * 1000 + 999) });
    expect(fromDate['webhook-signature']).toBe(VECTOR.signature);
  });

  it('signs bytes exactly like the same text', () => {
    const bytes = new TextEncoder().encode(VECTOR.payload);
    expect(signWebhook({ ...VECTOR, payload: bytes })['webhook-signature']).toBe(VECTOR.signature);
  });

  it('signs with every secret of a rotation, space-separated', () => {
    const other = generateWebhookSecret();
    const { secretKey } = generateWebhookKeyPair();
    const headers = signWebhook({ ...VECTOR, secret: [VECTOR.secret, other, secretKey] });
    const parts = headers['webhook-signature'].split(' ');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe(VECTOR.signature);
    expect(parts[1]).toMatch(/^v1,/);
    expect(parts[2]).toMatch(/^v1a,/);
  });

  it('refuses an id with a dot or space, a bad timestamp or secret, never quoting the secret', () => {
    expect(() => signWebhook({ ...VECTOR, id: 'a.b' })).toThrow(/id must be/);
    expect(() => signWebhook({ ...VECTOR, id: 'a b' })).toThrow(/id must be/);
    expect(() => signWebhook({ ...VECTOR, timestamp: -1 })).toThrow(/timestamp/);
    expect(() => signWebhook({ ...VECTOR, timestamp: new Date(Number.NaN) })).toThrow(/timestamp/);
    const leaked = 'whsec_c2hvcnQ=';
    let message = '';
    try {
      signWebhook({ ...VECTOR, secret: leaked });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/secret must be a whsec_ secret or a whsk_ key/);
    expect(message).not.toContain('c2hvcnQ');
    expect(() => signWebhook({ ...VECTOR, secret: [] })).toThrow(/secret is required/);
  });
});

describe('verifyWebhook', () => {
  const headers = () => signWebhook({ ...VECTOR, secret: VECTOR.secret });
  const verifyAt = (input: Partial<Parameters<typeof verifyWebhook>[0]>) =>
    verifyWebhook({
      headers: headers(),
      payload: VECTOR.payload,
      secrets: [VECTOR.secret],
      now: at(VECTOR.timestamp),
      ...input,
    });

  it('accepts a valid signature and says which message it was', () => {
    expect(verifyAt({})).toEqual({ ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp });
    expect(verifyAt({ payload: Buffer.from(VECTOR.payload) }).ok).toBe(true);
    expect(verifyAt({ secrets: VECTOR.secret }).ok).toBe(true);
  });

  it('says which check failed', () => {
    const { 'webhook-id': _id, ...noId } = headers();
    expect(reasonOf(verifyAt({ headers: noId }))).toBe('missing_headers');
    expect(reasonOf(verifyAt({ headers: { ...headers(), 'webhook-timestamp': 'soon' } }))).toBe('invalid_headers');
    expect(reasonOf(verifyAt({ headers: { ...headers(), 'webhook-id': ['a', 'b'] } }))).toBe('invalid_headers');
    expect(reasonOf(verifyAt({ payload: `${VECTOR.payload} ` }))).toBe('invalid_signature');
    expect(reasonOf(verifyAt({ secrets: [generateWebhookSecret()] }))).toBe('invalid_signature');
    expect(reasonOf(verifyAt({ secrets: [] }))).toBe('no_secrets');
    expect(reasonOf(verifyAt({ secrets: ['not-a-secret'] }))).toBe('no_secrets');
    const message = verifyAt({ payload: 'tampered' });
    expect(!message.ok && message.message).toBe('No webhook signature matches the endpoint secret');
  });

  it('allows 5 minutes either way by default, and a tolerance of its own', () => {
    expect(verifyAt({ now: at(VECTOR.timestamp + 300) }).ok).toBe(true);
    expect(verifyAt({ now: at(VECTOR.timestamp - 300) }).ok).toBe(true);
    expect(reasonOf(verifyAt({ now: at(VECTOR.timestamp + 301) }))).toBe('timestamp_out_of_tolerance');
    expect(reasonOf(verifyAt({ now: at(VECTOR.timestamp - 301) }))).toBe('timestamp_out_of_tolerance');
    expect(verifyAt({ now: at(VECTOR.timestamp + 3000), toleranceSeconds: 3600 }).ok).toBe(true);
    expect(reasonOf(verifyAt({ now: at(VECTOR.timestamp + 11), toleranceSeconds: 10 }))).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  it('accepts any of several signatures and several secrets (rotation)', () => {
    const old = generateWebhookSecret();
    const rotated = signWebhook({ ...VECTOR, secret: [old, VECTOR.secret] });
    const noise = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc=';
    const mixed = { ...rotated, 'webhook-signature': `${noise} ${rotated['webhook-signature']}` };
    expect(verifyAt({ headers: mixed }).ok).toBe(true);
    expect(verifyAt({ headers: mixed, secrets: [old] }).ok).toBe(true);
    expect(verifyAt({ headers: headers(), secrets: [old, VECTOR.secret] }).ok).toBe(true);
  });

  it('verifies asymmetric v1a (ed25519) signatures with the whpk_ public key only', () => {
    const { secretKey, publicKey } = generateWebhookKeyPair();
    expect(secretKey).toMatch(/^whsk_/);
    expect(publicKey).toMatch(/^whpk_/);
    const signed = signWebhook({ ...VECTOR, secret: secretKey });
    expect(signed['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifyAt({ headers: signed, secrets: [publicKey] }).ok).toBe(true);
    expect(reasonOf(verifyAt({ headers: signed, secrets: [generateWebhookKeyPair().publicKey] }))).toBe(
      'invalid_signature',
    );
    expect(reasonOf(verifyAt({ headers: signed, payload: 'tampered', secrets: [publicKey] }))).toBe(
      'invalid_signature',
    );
    // A v1a signature never passes as v1 against a symmetric secret, or the other way round.
    expect(reasonOf(verifyAt({ headers: signed, secrets: [VECTOR.secret] }))).toBe('invalid_signature');
    // The secret key is for signing: verifying needs the public key.
    expect(reasonOf(verifyAt({ headers: signed, secrets: [secretKey] }))).toBe('no_secrets');
    // 32-byte seeds (not only libsodium's 64-byte form) are read too.
    const seedOnly = `whsk_${Buffer.from(secretKey.slice(5), 'base64').subarray(0, 32).toString('base64')}`;
    expect(verifyAt({ headers: signWebhook({ ...VECTOR, secret: seedOnly }), secrets: [publicKey] }).ok).toBe(true);
  });

  it('reads Web Headers as well as a Node header record', () => {
    expect(verifyAt({ headers: new Headers(headers()) }).ok).toBe(true);
  });
});

describe('interoperability with the Standard Webhooks libraries', () => {
  const libraries = [
    ['standardwebhooks', (secret: string) => new StandardWebhook(secret)],
    ['svix', (secret: string) => new SvixWebhook(secret)],
  ] as const;

  for (const [name, make] of libraries) {
    it(`${name} verifies what keyward signs`, () => {
      const secret = generateWebhookSecret();
      const payload = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', note: 'ünïcode ✓' } });
      const signed = signWebhook({ id: 'msg_interop', payload, secret });
      expect(() => make(secret).verify(payload, { ...signed })).not.toThrow();
      expect(() => make(secret).verify(`${payload} `, { ...signed })).toThrow();
      // With a rotation, a library holding only the new secret accepts too.
      const next = generateWebhookSecret();
      const both = signWebhook({ id: 'msg_interop', payload, secret: [secret, next] });
      expect(() => make(next).verify(payload, { ...both })).not.toThrow();
    });

    it(`keyward verifies what ${name} signs`, () => {
      const secret = generateWebhookSecret();
      const payload = '{"type":"user.created"}';
      const now = new Date();
      const signature = make(secret).sign('msg_from_lib', now, payload);
      const headers = {
        'webhook-id': 'msg_from_lib',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      };
      expect(verifyWebhook({ headers, payload, secrets: [secret] }).ok).toBe(true);
      expect(verifyWebhook({ headers, payload, secrets: [generateWebhookSecret()] }).ok).toBe(false);
    });
  }

  it('agrees with both libraries on the published vector', () => {
    const when = new Date(VECTOR.timestamp * 1000);
    expect(new StandardWebhook(VECTOR.secret).sign(VECTOR.id, when, VECTOR.payload)).toBe(VECTOR.signature);
    expect(new SvixWebhook(VECTOR.secret).sign(VECTOR.id, when, VECTOR.payload)).toBe(VECTOR.signature);
  });
});

describe('verifyWebhook on hostile input', () => {
  it('never throws and never accepts what was not signed with the secret', () => {
    const secret = generateWebhookSecret();
    const header = fc.oneof(
      fc.string(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.record({ 'webhook-id': header, 'webhook-timestamp': header, 'webhook-signature': header }),
        fc.oneof(fc.string(), fc.uint8Array(), fc.anything()),
        fc.oneof(fc.constant(secret), fc.string(), fc.array(fc.string()), fc.anything()),
        fc.integer(),
        (headers, payload, secrets, tolerance) => {
          const result = verifyWebhook({
            headers: headers as never,
            payload: payload as never,
            secrets: secrets as never,
            toleranceSeconds: tolerance,
          });
          expect(result.ok).toBe(false);
        },
      ),
    );
  });

  it('accepts a signed request and refuses it once any byte of id, timestamp or body changes', () => {
    const secret = generateWebhookSecret();
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9_]{1,30}$/),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: 299 }),
        (id, body, skew) => {
          const now = 1_700_000_000;
          const signed = signWebhook({ id, payload: body, timestamp: now, secret });
          const check = (headers: object, payload: Uint8Array) =>
            verifyWebhook({ headers: headers as never, payload, secrets: [secret], now: at(now + skew) }).ok;
          expect(check(signed, body)).toBe(true);
          expect(check({ ...signed, 'webhook-id': `${id}x` }, body)).toBe(false);
          expect(check({ ...signed, 'webhook-timestamp': String(now + 1) }, body)).toBe(false);
          expect(check(signed, Uint8Array.from([...body, 0]))).toBe(false);
        },
      ),
    );
  });

  it('bounds the work one request can ask for', () => {
    const headers = signWebhook({ ...VECTOR, secret: VECTOR.secret });
    const flood = `${'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= '.repeat(100)}${headers['webhook-signature']}`;
    const result = verifyWebhook({
      headers: { ...headers, 'webhook-signature': flood },
      payload: VECTOR.payload,
      secrets: [VECTOR.secret],
      now: at(VECTOR.timestamp),
    });
    expect(reasonOf(result)).toBe('invalid_signature');
  });
});
