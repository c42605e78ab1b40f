import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test's server answers to one `METHOD /path?query`, and may wait for first. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Answered only once this settles: lets a test close the reader's pipe first. */
  after?: Promise<unknown>;
}

interface SentRequest {
  method: string;
  url: string;
  body: unknown;
}

export interface FakeServer {
  baseUrl: string;
  /** Every request received, in order. */
  requests: SentRequest[];
  close: () => Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * A stand-in for a keyward server on 127.0.0.1, port 0: answers `routes['GET /v1/…']` as given,
 * anything else 404 in keyward's error body. For the CLI's own tests, in-process and as a
 * subprocess; the real server's tests run the CLI against the real routes.
 */
export async function startFakeServer(routes: Record<string, Reply>): Promise<FakeServer> {
  const requests: SentRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body });
    const reply = routes[`${req.method} ${req.url}`] ?? {
      status: 404,
      body: { error: { code: 'not_found', message: 'Not found' } },
    };
    await reply.after;
    res.writeHead(reply.status, reply.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A key record exactly as the reference server sends it (`GET /v1/secrets/api/keys/{id}`). */
export const WIRE_API_KEY = {
  id: 'key_1',
  name: 'ci',
  type: 'private_key',
  provider: 'keyward',
  display_id: 'efefef***ef',
  status: 'active',
  scopes: ['keys:read'],
  tenant_id: 't1',
  environment_id: 'dev',
  user_id: 'user_7',
  user_type: 'user',
  roles: ['keys:read'],
  expires_at: '2030-01-01T00:00:00.000Z',
  last_used_at: '2026-03-04T05:06:07.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-02T00:00:00.000Z',
} as const;
