import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import type { Harness } from './adapter-cases.js';

/**
 * Serves a Node request listener (an Express app, a Koa `app.callback()`) on a free port and
 * drives the shared cases through supertest: the Express and Koa harnesses differ only in how
 * they build the app.
 */
export async function serveHarness(listener: RequestListener, handlerRuns: () => number): Promise<Harness> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = supertest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    get handlerRuns() {
      return handlerRuns();
    },
    async send({ path, headers = {} }) {
      let request = agent.get(path);
      for (const [name, value] of Object.entries(headers)) request = request.set(name, value as string);
      const response = await request;
      return { status: response.status, headers: response.headers, body: response.text };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
