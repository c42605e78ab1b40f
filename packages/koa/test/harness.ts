import type { AdapterFactory, HarnessConfig } from '@keyward/test-kit/adapter-cases';
import { serveHarness } from '@keyward/test-kit/serve-harness';
import Router from '@koa/router';
import Koa, { type ParameterizedContext } from 'koa';
import {
  ApiKeyError,
  type ApiKeyState,
  apiKeyAuth,
  apiKeyErrorHandler,
  getApiKey,
  type OnApiKeyError,
  requireScopes,
} from '../src/index.js';

/**
 * The shared harness on Koa, driven through supertest over one listening `app.callback()`
 * server. `KoaClass` is Koa 3 by default, Koa 2 (the `koa2` alias) to prove the peer range.
 */
export function koaHarness(KoaClass: typeof Koa = Koa): AdapterFactory {
  return async ({ onError, routeScopes = ['keys:write'], ...options }) => {
    const counts = { handlerRuns: 0, onErrorRuns: 0 };
    const app = new KoaClass<ApiKeyState>();
    app.proxy = true;
    const handler = (ctx: ParameterizedContext<ApiKeyState>) => {
      counts.handlerRuns += 1;
      ctx.body = { apiKey: ctx.state.apiKey ?? null };
    };
    const handlers: Record<NonNullable<HarnessConfig['onError']>, OnApiKeyError> = {
      custom: (err, ctx) => {
        counts.onErrorRuns += 1;
        ctx.status = 418;
        ctx.body = { custom: err.code };
      },
      nothing: () => {
        counts.onErrorRuns += 1;
      },
    };
    // Routed before the middleware: the Koa way to leave a route open.
    const open = new Router<ApiKeyState>().get('/public', handler);
    const guarded = new Router<ApiKeyState>()
      .get('/protected', handler)
      .get('/scoped', requireScopes(...routeScopes), handler)
      .get('/context', (ctx) => {
        counts.handlerRuns += 1;
        ctx.body = { apiKey: getApiKey(ctx) };
      })
      .get('/throws', () => {
        counts.handlerRuns += 1;
        throw new ApiKeyError('not_found');
      });
    // First, so that it catches what everything after it throws.
    app.use(apiKeyErrorHandler());
    app.use(open.routes());
    app.use(apiKeyAuth({ ...options, ...(onError && { onError: handlers[onError] }) }));
    app.use(guarded.routes());
    return serveHarness(app.callback(), counts);
  };
}

export const createKoaHarness = koaHarness();
