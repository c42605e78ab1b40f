import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KeywardClient } from '../src/client.js';
import { failure, KEY } from './helpers.js';

// The real undici path, end to end: the client's own Agent against node:http on port 0.

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function listen(handler: Handler): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, sockets };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_real', ...headers });
  res.end(JSON.stringify(body));
}

let main: Awaited<ReturnType<typeof listen>>;
let elsewhere: Awaited<ReturnType<typeof listen>>;
let elsewhereHits = 0;
let client: KeywardClient;
const noWait = { sleep: async () => {} };

beforeAll(async () => {
  elsewhere = await listen((_req, res) => {
    elsewhereHits++;
    res.end('stolen');
  });
  main = await listen((req, res, body) => {
    if (req.headers['x-api-key'] !== KEY)
      return json(res, 401, { error: { code: 'invalid_api_key', message: 'Invalid API key' } });
    switch (req.url) {
      case '/v1/me':
        return json(res, 200, {
          key_id: 'key_1',
          tenant_id: 't',
          environment_id: 'e',
          user_id: null,
          scopes: ['*'],
          name: 'n',
        });
      case '/echo':
        return json(res, 200, {
          method: req.method,
          content_type: req.headers['content-type'] ?? null,
          body: JSON.parse(body),
        });
      case '/forbidden':
        return json(res, 403, { error: { code: 'insufficient_scope', message: 'API key lacks a required scope' } });
      case '/hang':
        return; // never answers
      case '/truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"key_id":');
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      case '/stall':
      case '/stall-chunked':
        // Headers, part of the body, then nothing: with a declared length, or chunked.
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(req.url === '/stall' ? { 'content-length': '100' } : {}),
        });
        res.write('{"key_id":');
        return;
      case '/drop':
        req.socket.destroy();
        return;
      case '/redirect':
        res.writeHead(302, { location: `${elsewhere.url}/v1/me` });
        return res.end();
      default:
        return json(res, 404, { error: { code: 'not_found', message: 'Not found' } });
    }
  });
  client = createClient({ apiKey: KEY, baseUrl: main.url, backoff: noWait });
});

afterAll(async () => {
  await client.close();
  await stop(main.server);
  await stop(elsewhere.server);
});

describe('against a real HTTP server', () => {
  it('keeps connections alive and reuses them across sequential calls', async () => {
    const before = main.sockets.size;
    for (let i = 0; i < 10; i++) await expect(client.me()).resolves.toMatchObject({ keyId: 'key_1' });
    // undici may open a second connection when the next request starts before the first one's
    // connection is marked idle (the body's end is seen a tick earlier); never one per request.
    expect(main.sockets.size - before).toBeGreaterThanOrEqual(1);
    expect(main.sockets.size - before).toBeLessThanOrEqual(2);
  });

  it('sends a snake_case JSON body on the wire', async () => {
    await expect(client.request({ method: 'POST', path: '/echo', body: { gracePeriodSeconds: 5 } })).resolves.toEqual({
      method: 'POST',
      contentType: 'application/json',
      body: { gracePeriodSeconds: 5 },
    });
  });

  it('maps the server error body and request id', async () => {
    const err = await failure(client.request({ method: 'GET', path: '/forbidden' }));
    expect([err.code, err.status, err.requestId]).toEqual(['insufficient_scope', 403, 'req_real']);
  });

  it('a hanging server is a timeout', async () => {
    const slow = createClient({ apiKey: KEY, baseUrl: main.url, timeoutMs: 50, retries: 0 });
    try {
      expect((await failure(slow.request({ method: 'GET', path: '/hang' }))).code).toBe('timeout');
    } finally {
      await slow.close();
    }
  });

  for (const [what, path] of [
    ['with a declared length', '/stall'],
    ['chunked', '/stall-chunked'],
  ] as const) {
    it(`a body that stalls after the headers is a timeout with the status (${what})`, async () => {
      const slow = createClient({ apiKey: KEY, baseUrl: main.url, timeoutMs: 50, retries: 0 });
      try {
        const err = await failure(slow.request({ method: 'GET', path }));
        expect([err.code, err.status]).toEqual(['timeout', 200]);
      } finally {
        await slow.close();
      }
    });

    it(`the caller's abort ends a stalled body, as aborted (${what})`, async () => {
      const controller = new AbortController();
      const pending = failure(client.request({ method: 'GET', path, signal: controller.signal }));
      setTimeout(() => controller.abort(), 20);
      expect((await pending).code).toBe('aborted');
    });
  }

  it('a body cut short is invalid_response with the status', async () => {
    const err = await failure(client.request({ method: 'POST', path: '/truncated' }));
    expect([err.code, err.status]).toEqual(['invalid_response', 200]);
  });

  it('a dropped connection is network_error', async () => {
    const err = await failure(client.request({ method: 'POST', path: '/drop' }));
    expect([err.code, err.status]).toEqual(['network_error', 0]);
  });

  it('a refused connection is network_error, after the retries', async () => {
    const gone = await listen(() => {});
    await stop(gone.server);
    const refused = createClient({ apiKey: KEY, baseUrl: gone.url, backoff: noWait });
    try {
      expect((await failure(refused.me())).code).toBe('network_error');
    } finally {
      await refused.close();
    }
  });

  it('does not follow a redirect to another origin, so the key stays home', async () => {
    const err = await failure(client.request({ method: 'GET', path: '/redirect' }));
    expect([err.code, err.status]).toEqual(['invalid_response', 302]);
    expect(elsewhereHits).toBe(0);
  });
});
