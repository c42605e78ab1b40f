// Checked by tsc against the BUILT package (dist/index.d.ts, through the package's own name),
// so it proves that Middleware<ApiKeyState> reaches users through the .d.ts build. See ../types.test.ts.
import type { ApiKeyContext, KeyStore, PortalSession, SessionStore } from '@keyward/core';
import {
  ApiKeyError,
  type ApiKeyState,
  apiKeyAuth,
  apiKeyErrorHandler,
  type ErrorCode,
  getPortalSession,
  type OnApiKeyError,
  type PortalSessionState,
  requireScopes,
  sendApiKeyError,
  sessionAuth,
  type VerifiedWebhook,
  verifyWebhooks,
  type WebhookState,
} from '@keyward/koa';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { expectTypeOf } from 'vitest';

declare const store: KeyStore;
const onError: OnApiKeyError = async (err, ctx, next) => {
  if (err.code === 'missing_api_key') return next();
  ctx.status = err.status;
};
expectTypeOf(apiKeyAuth({ store, onError })).toEqualTypeOf<Middleware<ApiKeyState>>();

const app = new Koa<ApiKeyState>();
app.use(apiKeyErrorHandler());
app.use(apiKeyAuth({ store, optional: true, environmentHeader: false, failureLimit: { max: 5, windowMs: 1000 } }));
app.use(requireScopes('keys:read'));
app.use((ctx) => {
  expectTypeOf(ctx.state.apiKey).toEqualTypeOf<ApiKeyContext | undefined>();
  // @ts-expect-error the context is an object, never a string (this line fails if apiKey were any)
  const wrong: string = ctx.state.apiKey;
  ctx.body = wrong;
});

const router = new Router<ApiKeyState>();
router.get('/me', apiKeyAuth({ store }), (ctx) => {
  expectTypeOf(ctx.state.apiKey).toEqualTypeOf<ApiKeyContext | undefined>();
});

// ApiKeyError is a value of the package itself, so routes throw it without importing core.
router.get('/reports/:id', () => {
  throw new ApiKeyError('not_found');
});
router.get('/gone', (ctx) => sendApiKeyError(ctx, new ApiKeyError('not_found')));
expectTypeOf(new ApiKeyError('not_found').code).toEqualTypeOf<ErrorCode>();
// @ts-expect-error an ApiKeyError's code is one of keyward's codes
new ApiKeyError('nope');

// @ts-expect-error the store option must be a KeyStore
apiKeyAuth({ store: 'memory' });

declare const sessions: SessionStore;
const onSessionError: OnApiKeyError<PortalSessionState> = (err, ctx) => {
  ctx.status = err.status;
};
expectTypeOf(sessionAuth({ store: sessions, onError: onSessionError })).toEqualTypeOf<Middleware<PortalSessionState>>();
// @ts-expect-error sessionAuth takes no scopes: a session holds none
sessionAuth({ store: sessions, scopes: ['a'] });
new Router<PortalSessionState>().get('/portal/me', sessionAuth({ store: sessions, optional: true }), (ctx) => {
  expectTypeOf(ctx.state.portalSession).toEqualTypeOf<PortalSession | undefined>();
  expectTypeOf(getPortalSession(ctx)).toEqualTypeOf<PortalSession>();
});

const webhooks = verifyWebhooks({
  secrets: async (ctx) => (ctx.path === '/known' ? { secrets: ['whsec_x'], toleranceSeconds: 60 } : null),
  limit: 1024,
});
expectTypeOf(webhooks).toEqualTypeOf<Middleware<WebhookState>>();
new Router<WebhookState>().post('/hooks', webhooks, (ctx) => {
  expectTypeOf(ctx.state.webhook).toEqualTypeOf<VerifiedWebhook | undefined>();
  expectTypeOf(ctx.state.webhook?.payload).toEqualTypeOf<Buffer | undefined>();
});
// @ts-expect-error secrets is a list or a function, never one string
verifyWebhooks({ secrets: 'whsec_x' });
