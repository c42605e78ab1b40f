import type { AdapterFactory, HarnessConfig } from '@keyward/test-kit/adapter-cases';
import { serveHarness } from '@keyward/test-kit/serve-harness';
import type { SessionAdapterFactory } from '@keyward/test-kit/session-cases';
import type { WebhookAdapterFactory } from '@keyward/test-kit/webhook-cases';
import Router from '@koa/router';
import Koa, { type ParameterizedContext } from 'koa';
import {
  ApiKeyError,
  type ApiKeyState,
  apiKeyAuth,
  apiKeyErrorHandler,
  getApiKey,
  getPortalSession,
  type OnApiKeyError,
  type PortalSessionState,
  requireScopes,
  sessionAuth,
  type VerifyWebhooksOptions,
  verifyWebhooks,
  type WebhookState,
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

function countingOnError<S>(kind: 'custom' | 'nothing', counts: { onErrorRuns: number }): OnApiKeyError<S> {
  return kind === 'custom'
    ? (err, ctx) => {
        counts.onErrorRuns += 1;
        ctx.status = 418;
        ctx.body = { custom: err.code };
      }
    : () => {
        counts.onErrorRuns += 1;
      };
}

/** The session table's app on Koa (`KoaClass` as in {@link koaHarness}). */
export function koaSessionHarness(KoaClass: typeof Koa = Koa): SessionAdapterFactory {
  return async ({ onError, keyStore, ...options }) => {
    const counts = { handlerRuns: 0, onErrorRuns: 0 };
    type State = ApiKeyState & PortalSessionState;
    const app = new KoaClass<State>();
    app.proxy = true;
    const portal = sessionAuth({ ...options, ...(onError && { onError: countingOnError(onError, counts) }) });
    const router = new Router<State>()
      .get('/keys', apiKeyAuth({ store: keyStore, failureLimit: false }), (ctx) => {
        counts.handlerRuns += 1;
        ctx.body = { apiKey: ctx.state.apiKey ?? null };
      })
      .get('/portal', portal, (ctx) => {
        counts.handlerRuns += 1;
        ctx.body = { portalSession: ctx.state.portalSession ?? null };
      })
      .get('/portal/context', portal, (ctx) => {
        counts.handlerRuns += 1;
        ctx.body = { portalSession: getPortalSession(ctx) };
      });
    app.use(apiKeyErrorHandler());
    app.use(router.routes());
    return serveHarness(app.callback(), counts);
  };
}

/** Reads a JSON body the way a small app's own parser would, for the table's JSON route. */
async function readJson(ctx: ParameterizedContext): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The webhook table's app on Koa: verifyWebhooks on the two webhook routes, a JSON route beside them. */
export function koaWebhookHarness(KoaClass: typeof Koa = Koa): WebhookAdapterFactory {
  return async ({ onError, secrets, lookup, options = {} }) => {
    const counts = { handlerRuns: 0, onErrorRuns: 0 };
    const app = new KoaClass<WebhookState>();
    const shared = { ...options, ...(onError && { onError: countingOnError<WebhookState>(onError, counts) }) };
    const handler = (ctx: ParameterizedContext<WebhookState>) => {
      counts.handlerRuns += 1;
      const { id, timestamp, payload } = ctx.state.webhook ?? { id: '', timestamp: 0, payload: Buffer.alloc(0) };
      ctx.body = { webhook: { id, timestamp, payload: payload.toString('base64') } };
    };
    const endpointSecrets = (ctx: ParameterizedContext<WebhookState>) =>
      lookup(String((ctx as unknown as { params: { id: string } }).params.id));
    const router = new Router<WebhookState>()
      .post('/webhooks/static', verifyWebhooks({ ...shared, secrets } as VerifyWebhooksOptions), handler)
      .post(
        '/webhooks/endpoints/:id',
        verifyWebhooks({ ...shared, secrets: endpointSecrets } as VerifyWebhooksOptions),
        handler,
      )
      .post('/json', async (ctx) => {
        ctx.body = { json: await readJson(ctx) };
      });
    app.use(apiKeyErrorHandler());
    app.use(router.routes());
    return serveHarness(app.callback(), counts);
  };
}
