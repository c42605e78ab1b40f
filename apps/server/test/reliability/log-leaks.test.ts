import type { AddressInfo } from 'node:net';
import { DEV_API_KEY, generateApiKey } from '@keyward/core';
import { attempts } from '@keyward/test-kit/reliability';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/create-app.js';
import { captureLogs, memoryStorage } from '../helpers.js';
import { rawExchange } from './raw-socket.js';

// An attacker, or a careless client, sends a key where the server does not expect one: in a
// request Node's HTTP parser refuses, in the query string, under a header name one letter off.
// Whatever the level, no log line may hold it, nor anything shaped like a key, in any encoding
// a log could carry it in.

type Level = 'trace' | 'info';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listening(level: Level): Promise<{ port: number; logs: () => string }> {
  const captured = captureLogs();
  app = createApp({
    storage: memoryStorage(),
    devKey: true,
    failureLimit: false,
    logger: { level, stream: captured.stream },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, logs: captured.text };
}

/** The ways a log line could carry `key`: as is, in either case, and encoded. */
function encodings(key: string): Record<string, string> {
  const bytes = Buffer.from(key, 'latin1');
  return {
    plain: key,
    upper: key.toUpperCase(),
    'hex of its bytes': bytes.toString('hex'),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    // A Buffer serialized as JSON: {"type":"Buffer","data":[…]}.
    'number array': [...bytes].join(','),
    'percent-encoded': [...key].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''),
  };
}

function leaks(text: string, keys: string[]): string[] {
  const found: string[] = [];
  for (const [i, key] of keys.entries()) {
    for (const [name, encoded] of Object.entries(encodings(key))) {
      if (text.includes(encoded)) found.push(`key ${i} (${name})`);
    }
  }
  // Anything shaped like a key, whoever's it is.
  const shape = /[0-9a-f]{64}/i.exec(text);
  if (shape) found.push(`a 64-hex run at ${shape.index}`);
  return found;
}

const request = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('logs under attack, over a real socket', () => {
  it('at trace, a request the HTTP parser refuses is not logged with its raw bytes', async () => {
    const keys = Array.from({ length: attempts(1, 20) }, () => generateApiKey());
    const { port, logs } = await listening('trace');
    const refused = {
      'a control byte in another header': ['X-Bad: a\x01b'],
      'an obs-fold': ['X-Folded: a', ' b'],
      'an oversized header': [`X-Big: ${'a'.repeat(20_000)}`],
      'a space before the colon': ['X-Spaced : b'],
    };
    for (const key of keys) {
      for (const [what, tail] of Object.entries(refused)) {
        const sent = request([`GET /v1/me?api_key=${key} HTTP/1.1`, 'Host: keyward', `X-API-Key: ${key}`, ...tail]);
        const { response, closed } = await rawExchange(port, sent);
        expect(response, what).toMatch(/^HTTP\/1\.1 400 /);
        expect(response, what).toContain('"code":"validation_error"');
        expect(closed, what).toBe(true);
      }
    }
    await app?.close();
    const text = logs();
    // The refusals are logged, by their parser code, not by their bytes.
    expect(text).toContain('HPE_HEADER_OVERFLOW');
    expect(text).toContain('client error');
    expect(leaks(text, keys)).toEqual([]);
  });

  it('at the default level, a key in the query string or under a near-miss header name is not logged', async () => {
    const { port, logs } = await listening('info');
    const keys = Array.from({ length: attempts(1, 10) }, () => generateApiKey());
    for (const key of keys) await sendEverywhere(port, key);
    await app?.close();
    const text = logs();
    // The requests are still logged: their paths, and which headers they had.
    expect(text).toContain('"url":"/v1/me?api_key=[Redacted]"');
    expect(text).toContain('"x-api-key-backup":"[Redacted]"');
    expect(text).toContain('"user-agent":');
    expect(leaks(text, [...keys, DEV_API_KEY])).toEqual([]);
  });
});

/** Sends `key` wherever a careless or hostile client might: the query, the path, near-miss headers, encoded. */
async function sendEverywhere(port: number, key: string): Promise<void> {
  const bytes = Buffer.from(key, 'latin1');
  const percent = encodings(key)['percent-encoded'];
  const sends = [
    [`GET /v1/me?api_key=${key} HTTP/1.1`],
    [`GET /v1/me?${key} HTTP/1.1`],
    [`GET /v1/me?api_key=${percent} HTTP/1.1`],
    [`GET /v1/secrets/api/keys/${key} HTTP/1.1`, `X-API-Key: ${DEV_API_KEY}`],
    [`GET /v1/${percent} HTTP/1.1`],
    ['GET /v1/me HTTP/1.1', `X-Api-Key-Backup: ${key}`],
    ['GET /v1/me HTTP/1.1', `X_API_Key: ${key}`],
    ['GET /v1/me HTTP/1.1', `X-Auth-Token: ${key}`],
    ['GET /v1/me HTTP/1.1', `Proxy-Authorization: Basic ${Buffer.from(`user:${key}`).toString('base64')}`],
    ['GET /v1/me HTTP/1.1', `Cookie2: session=${key}`],
    ['GET /v1/me HTTP/1.1', `${key}: 1`],
    ['GET /v1/me HTTP/1.1', `User-Agent: ${bytes.toString('base64')}`],
    ['GET /v1/me HTTP/1.1', `User-Agent: sdk/1.0 (${bytes.toString('hex')})`],
    ['GET /v1/me HTTP/1.1', `Referer: https://app.example/settings?api_key=${key}`],
    ['GET /v1/me HTTP/1.1', `X-Forwarded-For: ${key}`],
    ['GET /v1/me HTTP/1.1', `X-Request-Id: ${key}`, `X-Trace: ${key}`],
  ];
  for (const [first, ...headers] of sends) {
    const { response } = await rawExchange(
      port,
      request([first as string, 'Host: keyward', 'Connection: close', ...headers]),
    );
    expect(response, first).toMatch(/^HTTP\/1\.1 [2-4]\d\d /);
  }
}
