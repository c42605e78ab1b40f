import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import type { Harness, HarnessCounts } from './adapter-cases.js';

/**
 * Serves a Node request listener (an Express app, a Koa `app.callback()`) on a free port and
 * drives the shared cases through supertest: the Express and Koa harnesses differ only in how
 * they build the app. `counts` is read live: the harness's handlers update it.
 *
 * @example
 * const counts = { handlerRuns: 0, onErrorRuns: 0 };
 * return serveHarness(app.callback(), counts);
 */
export async function serveHarness(listener: RequestListener, counts: Readonly<HarnessCounts>): Promise<Harness> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = supertest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    get handlerRuns() {
      return counts.handlerRuns;
    },
    get onErrorRuns() {
      return counts.onErrorRuns;
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
