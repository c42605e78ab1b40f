import type { Socket } from 'node:net';
import { DEV_API_KEY } from '@keyward/core';
import { attempts } from '@keyward/test-kit/reliability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, startServer } from '../spawn-server.js';
import { openSocket } from './raw-socket.js';

// Connections that never finish their request: a body trickling in after the server refused it,
// a body trickling in under a valid key, headers that never end. None may be held for ever, nor
// keep main.js from stopping. The deadlines are generous on purpose (a slow machine must pass):
// what they catch is a connection held, or a process that does not exit, at all.

const DEADLINE_MS = 10_000;

function portOf(server: SpawnedServer): number {
  return Number(new URL(server.url).port);
}

/** A socket and what it saw: the answer so far, and a promise of its close. */
async function watched(port: number): Promise<{ socket: Socket; answer: () => string; closed: Promise<boolean> }> {
  const socket = await openSocket(port);
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), DEADLINE_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  return { socket, answer: () => answer, closed };
}

/** Writes one byte every 100 ms until the socket closes: the slowloris body. */
function trickle(socket: Socket): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer);
    else socket.write('a');
  }, 100);
  socket.on('close', () => clearInterval(timer));
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < DEADLINE_MS / 20 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20));
}

const post = (headers: string[]) =>
  [
    'POST /v1/secrets/api/keys HTTP/1.1',
    'Host: keyward',
    'Content-Type: application/json',
    // Under the 64 KiB limit, so that nothing refuses the request for its size.
    'Content-Length: 60000',
    ...headers,
    '',
    '{"name":"',
  ].join('\r\n');

// One server for every case, to start main.js once: a request timeout well under the deadline,
// a shutdown timeout well under the request timeout (so that the shutdown, not the request
// timeout, is what closes the connections SIGTERM finds open).
describe('main.js against connections that never finish', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await startServer({
      KEYWARD_DATA_DIR: 'memory://',
      KEYWARD_REQUEST_TIMEOUT_MS: '3000',
      KEYWARD_SHUTDOWN_TIMEOUT_MS: '300',
    });
  }, 120_000);
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('answers 408 and closes a request whose body or headers do not arrive in time, even under a valid key', async () => {
    const port = portOf(server);
    const body = await watched(port);
    body.socket.write(post([`X-API-Key: ${DEV_API_KEY}`]));
    trickle(body.socket);
    const headers = await watched(port);
    headers.socket.write('GET /v1/me HTTP/1.1\r\nHost: keyward\r\nX-Slow: ');
    trickle(headers.socket);
    const silent = await watched(port);

    expect(await body.closed).toBe(true);
    expect(body.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await headers.closed).toBe(true);
    expect(headers.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await silent.closed).toBe(true);
  }, 30_000);

  it('closes the connection right after refusing a request whose body is still coming', async () => {
    const { socket, answer, closed } = await watched(portOf(server));
    socket.write(post([]));
    trickle(socket);
    await until(() => answer().includes('missing_api_key'));
    expect(answer().toLowerCase()).toContain('connection: close');
    expect(await closed).toBe(true);
    // Closed after the 401, not by the request timeout, which would have answered 408 first.
    expect(answer().match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 401']);
  }, 30_000);

  it('keeps a connection alive across requests that were read in full', async () => {
    const { socket, answer, closed } = await watched(portOf(server));
    const me = `GET /v1/me HTTP/1.1\r\nHost: keyward\r\nX-API-Key: ${DEV_API_KEY}\r\n\r\n`;
    socket.write(me);
    await until(() => answer().includes('key_id'));
    socket.write('GET /v1/me HTTP/1.1\r\nHost: keyward\r\n\r\n');
    await until(() => answer().includes('missing_api_key'));
    // A refusal of a request read in full (no body) does not cost the client its connection.
    socket.write(me);
    await until(() => answer().match(/key_id/g)?.length === 2);
    expect(answer().match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401', 'HTTP/1.1 200']);
    expect(socket.destroyed).toBe(false);
    socket.destroy();
    await closed;
  });

  it('exits on SIGTERM within its shutdown timeout, whatever connections are left open', async () => {
    const port = portOf(server);
    const logged = () => server.output().split('"url":"/v1/secrets/api/keys"').length;
    const before = logged();
    // Requests under way under a valid key whose bodies never end, and headers that never end.
    const open: Array<Awaited<ReturnType<typeof watched>>> = [];
    const pairs = attempts(2, 50);
    for (let i = 0; i < pairs; i++) {
      const authenticated = await watched(port);
      authenticated.socket.write(post([`X-API-Key: ${DEV_API_KEY}`]));
      trickle(authenticated.socket);
      const headersOnly = await watched(port);
      headersOnly.socket.write('GET /v1/me HTTP/1.1\r\nHost: keyward\r\nX-Slow: ');
      trickle(headersOnly.socket);
      open.push(authenticated, headersOnly);
    }
    await until(() => logged() >= before + pairs);

    server.child.kill('SIGTERM');
    const exit = await Promise.race([
      server.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), DEADLINE_MS)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('closing the connections still open');
    for (const connection of open) expect(await connection.closed).toBe(true);
  }, 30_000);
});
