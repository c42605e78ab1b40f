import { generateApiKey, generateSessionToken, generateWebhookSecret } from '@keyward/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub-secrets.js';

const key = generateApiKey();
const bytes = Buffer.from(key, 'latin1');

// Every way a key could ride in a log line, and what the line must still say around it.
const hidden: Record<string, string> = {
  plain: key,
  upper: key.toUpperCase(),
  'hex of its bytes': bytes.toString('hex'),
  'percent-encoded': [...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
  base64: bytes.toString('base64'),
  base64url: bytes.toString('base64url'),
  'base64 after a prefix': Buffer.from(`user:${key}`).toString('base64'),
};

describe('scrubSecrets', () => {
  for (const [encoding, text] of Object.entries(hidden)) {
    it(`redacts a key as ${encoding}, and nothing beyond the run that holds it`, () => {
      const line = JSON.stringify({ msg: 'incoming request', url: `/v1/x/${text}?a=1`, n: 7 });
      const scrubbed = scrubSecrets(line);
      expect(scrubbed).not.toContain(text);
      expect(JSON.parse(scrubbed)).toMatchObject({ msg: 'incoming request', n: 7 });
      // A base64 run cannot tell where the encoded text starts: `/v1/x/` is in its alphabet.
      expect(JSON.parse(scrubbed).url).toMatch(/^(\/v1\/x\/)?\[Redacted\]\?a=1$/);
    });
  }

  it('redacts a serialized Buffer, as a value or inside a string, keeping the line JSON', () => {
    const line = JSON.stringify({ err: { rawPacket: bytes }, msg: `bytes ${JSON.stringify([...bytes])}` });
    expect(line).toContain([...bytes].join(','));
    const scrubbed = scrubSecrets(line);
    expect(scrubbed).not.toContain([...bytes].slice(0, 32).join(','));
    expect(JSON.parse(scrubbed)).toEqual({
      err: { rawPacket: { type: 'Buffer', data: '[Redacted]' } },
      msg: 'bytes [Redacted]',
    });
  });

  it('redacts session tokens, webhook secrets and signing keys by their prefix', () => {
    const secrets = [generateSessionToken(), generateWebhookSecret(), generateWebhookSecret(64)];
    const scrubbed = scrubSecrets(JSON.stringify({ msg: secrets.join(' ') }));
    for (const secret of secrets) expect(scrubbed).not.toContain(secret.slice(secret.indexOf('_') + 1));
    expect(JSON.parse(scrubbed).msg).toBe('kws_[Redacted] whsec_[Redacted] whsec_[Redacted]');
  });

  it('leaves what a request log holds on purpose as it is', () => {
    const line = JSON.stringify({
      reqId: '3f2b7c1e-8a4d-4e8f-9b6a-1c2d3e4f5a6b',
      time: 1795864333920,
      req: {
        url: '/v1/secrets/api/keys/key_0123456789abcdef01234567?limit=[Redacted]',
        headers: { 'user-agent': 'keyward-client/1.0.0 node/20.19.0' },
      },
      webhook: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      path: `/v1/webhooks/${'t'.repeat(128)}/${'env-'.repeat(32)}/whe_0123`,
    });
    expect(scrubSecrets(line)).toBe(line);
  });

  it('never lets a key through, in any encoding, wherever it sits in a line', () => {
    const encodings = Object.keys(hidden);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.constantFrom(...encodings),
        (before, after, encoding) => {
          const text = hidden[encoding] as string;
          const line = JSON.stringify({ msg: `${before}${text}${after}` });
          const scrubbed = scrubSecrets(line);
          expect(scrubbed).not.toContain(text);
          expect(scrubbed.toLowerCase()).not.toContain(key);
          expect(() => JSON.parse(scrubbed)).not.toThrow();
        },
      ),
    );
  });
});
