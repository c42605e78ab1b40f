import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import type { CaseResponse, HarnessCounts } from './adapter-cases.js';

/** A request any of the tables sends: a GET by default, or a POST with the exact bytes of `body`. */
export interface HttpCaseRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string | string[]>;
  /** Sent as is: a string as UTF-8, a Buffer byte for byte. Give the `content-type` in `headers`. */
  body?: string | Buffer;
}

/** What {@link serveHarness} hands back: it sends any table's requests. */
export interface ServedHarness {
  send(request: HttpCaseRequest): Promise<CaseResponse>;
  readonly handlerRuns: number;
  readonly onErrorRuns: number;
  close(): Promise<void>;
}

/**
 * Serves a Node request listener (an Express app, a Koa `app.callback()`) on a free port and
 * drives the shared cases through supertest: the Express and Koa harnesses differ only in how
 * they build the app. `counts` is read live: the harness's handlers update it.
 *
 * @example
 * const counts = { handlerRuns: 0, onErrorRuns: 0 };
 * return serveHarness(app.callback(), counts);
 */
export async function serveHarness(listener: RequestListener, counts: Readonly<HarnessCounts>): Promise<ServedHarness> {
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
    async send({ method = 'GET', path, headers = {}, body }) {
      let request = method === 'POST' ? agent.post(path) : agent.get(path);
      for (const [name, value] of Object.entries(headers)) request = request.set(name, value as string);
      // Bytes, not a value to serialise: superagent would turn a Buffer sent as JSON or a form
      // into JSON of its own, and a webhook is verified over exactly what was sent.
      const bytes = body === undefined ? undefined : Buffer.from(body);
      const response = await (bytes === undefined
        ? request
        : request.serialize(() => bytes as unknown as string).send(bytes));
      return { status: response.status, headers: response.headers, body: response.text };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
