import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type ParameterizedContext } from 'koa';
import supertest from 'supertest';
import type { AdapterFactory } from '../../express/test/adapter-cases.js';
import { type ApiKeyState, apiKeyAuth, requireScopes } from '../src/index.js';

/** The shared harness on Koa, driven through supertest over one listening `app.callback()` server. */
export const createKoaHarness: AdapterFactory = async ({ customOnError, ...options }) => {
  let runs = 0;
  const app = new Koa<ApiKeyState>();
  app.proxy = true;
  const handler = (ctx: ParameterizedContext<ApiKeyState>) => {
    runs += 1;
    ctx.body = { apiKey: ctx.state.apiKey ?? null };
  };
  // Routed before the middleware: the Koa way to leave a route open.
  const open = new Router<ApiKeyState>().get('/public', handler);
  const guarded = new Router<ApiKeyState>()
    .get('/protected', handler)
    .get('/scoped', requireScopes('keys:write'), handler);
  app.use(open.routes());
  app.use(
    apiKeyAuth({
      ...options,
      ...(customOnError && {
        onError: (err, ctx) => {
          ctx.status = 418;
          ctx.body = { custom: err.code };
        },
      }),
    }),
  );
  app.use(guarded.routes());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = supertest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    get handlerRuns() {
      return runs;
    },
    async send({ path, headers = {} }) {
      let request = agent.get(path);
      for (const [name, value] of Object.entries(headers)) request = request.set(name, value as string);
      const response = await request;
      return { status: response.status, headers: response.headers, body: response.text };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
};
