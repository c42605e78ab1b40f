import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.js';
import { isKeywardError, type KeywardError } from '../../src/errors.js';
import { KEY } from '../helpers.js';

// A server (or whatever answers at baseUrl: a proxy, an attacker's host) streams a response far
// larger than any keyward answer. The client must refuse it at its cap and stop reading, rather
// than hold the whole body in memory first.

const MiB = 1024 * 1024;
const BODY_BYTES = 128 * MiB;
const CAP = MiB;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Streams `BODY_BYTES` of JSON-looking bytes, respecting backpressure; counts what was written. */
function streamHuge(res: ServerResponse, sent: { bytes: number; done: boolean }): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (sent.bytes < BODY_BYTES && !res.destroyed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    sent.done = !res.destroyed;
    res.end();
  };
  pump();
}

async function serve(declareLength: boolean, status = 200) {
  const sent = { bytes: 0, done: false };
  server = createServer((_req, res) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(declareLength ? { 'content-length': String(BODY_BYTES) } : {}),
    });
    streamHuge(res, sent);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { sent, baseUrl: `http://127.0.0.1:${port}` };
}

async function failure(promise: Promise<unknown>): Promise<KeywardError> {
  try {
    await promise;
  } catch (err) {
    if (isKeywardError(err)) return err;
    throw err;
  }
  throw new Error('expected a KeywardError');
}

describe('a response body over maxResponseBytes', () => {
  for (const [what, declareLength, status] of [
    ['streamed without a length', false, 200],
    ['announced by Content-Length', true, 200],
    ['in an error response', false, 500],
  ] as const) {
    it(`is invalid_response, and the client stops reading it (${what})`, async () => {
      const { sent, baseUrl } = await serve(declareLength, status);
      const client = createClient({ apiKey: KEY, baseUrl, retries: 0, maxResponseBytes: CAP });
      try {
        const err = await failure(client.request({ method: 'GET', path: '/v1/huge' }));
        expect(err.code).toBe('invalid_response');
        expect(err.status).toBe(status);
        expect(err.message).toBe(
          `The server answered ${status} with a body larger than the limit of ${CAP} bytes (maxResponseBytes)`,
        );
      } finally {
        await client.close();
      }
      // What the server got out before the client hung up: the cap plus what the sockets buffer,
      // far below the body. A client reading it all would have taken every byte.
      expect(sent.done).toBe(false);
      expect(sent.bytes).toBeLessThan(BODY_BYTES / 4);
    }, 60_000);
  }

  it('is 4 MiB by default: a larger body is refused, one just under it is read', async () => {
    const limit = 4 * MiB;
    const sizes: number[] = [];
    server = createServer((req, res) => {
      // A JSON string of exactly the asked size, in bytes.
      const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
      sizes.push(size);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`"${'x'.repeat(size - 2)}"`);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createClient({ apiKey: KEY, baseUrl, retries: 0 });
    try {
      const read = await client.request({ method: 'GET', path: '/v1/big', query: { size: limit } });
      expect(typeof read === 'string' && read.length).toBe(limit - 2);
      const err = await failure(client.request({ method: 'GET', path: '/v1/big', query: { size: limit + 1 } }));
      expect(err.code).toBe('invalid_response');
      expect(err.message).toContain(`limit of ${limit} bytes`);
    } finally {
      await client.close();
    }
    expect(sizes).toEqual([limit, limit + 1]);
  });
});
