// Checked by tsc against the BUILT package (dist/index.d.ts, through the package's own name),
// so it proves that the augmentations survive the .d.ts build. See ../types.test.ts.
import type { ApiKeyContext, PortalSession } from '@keyward/core';
import apiKeyAuthDefault, {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  type ErrorCode,
  getPortalSession,
  type KeywardRouteConfig,
  requireScopes,
  sendApiKeyError,
  sessionAuth,
  type VerifiedWebhook,
  webhookAuth,
} from '@keyward/fastify';
import Fastify from 'fastify';
import { expectTypeOf } from 'vitest';

declare const store: import('@keyward/core').KeyStore;
const app = Fastify();
app.setErrorHandler(apiKeyErrorHandler());
await app.register(apiKeyAuth, { store, optional: true, onError: (err, _request, reply) => reply.code(err.status) });
await app.register(apiKeyAuthDefault, { store });

app.get(
  '/',
  { config: { keyward: { auth: 'apiKey', scopes: ['keys:read'] } }, preHandler: requireScopes('a') },
  async (request) => {
    expectTypeOf(request.apiKey).toEqualTypeOf<ApiKeyContext | null>();
    // @ts-expect-error the context is an object, never a string (this line fails if apiKey were any)
    const wrong: string = request.apiKey;
    return wrong;
  },
);

// ApiKeyError is a value of the package itself, so routes throw it without importing core.
app.get('/reports/:id', async () => {
  throw new ApiKeyError('not_found');
});
app.setNotFoundHandler((_request, reply) => sendApiKeyError(reply, new ApiKeyError('not_found')));
expectTypeOf(new ApiKeyError('not_found').code).toEqualTypeOf<ErrorCode>();
// @ts-expect-error an ApiKeyError's code is one of keyward's codes
new ApiKeyError('nope');

// @ts-expect-error config.keyward.auth is 'apiKey', 'session', 'signature' or 'none'
app.get('/bad', { config: { keyward: { auth: 'off' } } }, async () => 'x');
// @ts-expect-error scopes belong to API key routes only (refused at boot as well)
app.get('/bad-scopes', { config: { keyward: { auth: 'none', scopes: ['keys:read'] } } }, async () => 'x');
const sessionRoute: KeywardRouteConfig = { auth: 'session' };
expectTypeOf(sessionRoute).toMatchTypeOf<KeywardRouteConfig>();

declare const sessions: import('@keyward/core').SessionStore;
await app.register(sessionAuth, {
  store: sessions,
  optional: true,
  onError: (err, _request, reply) => reply.code(err.status),
});
// @ts-expect-error sessionAuth takes no scopes: a session holds none
await app.register(sessionAuth, { store: sessions, scopes: ['a'] });
app.get('/portal', { config: { keyward: { auth: 'session' } } }, async (request) => {
  expectTypeOf(request.portalSession).toEqualTypeOf<PortalSession | null>();
  expectTypeOf(getPortalSession(request)).toEqualTypeOf<PortalSession>();
  return getPortalSession(request).customerId;
});

await app.register(async (webhooks) => {
  await webhooks.register(webhookAuth, {
    secrets: async (request) => ((request.params as { id: string }).id === 'known' ? { secrets: ['whsec_x'] } : null),
    toleranceSeconds: 300,
    limit: 1024,
  });
  await webhooks.register(webhookAuth, { secrets: ['whsec_x'] });
  // @ts-expect-error secrets is a list or a function, never one string
  await webhooks.register(webhookAuth, { secrets: 'whsec_x' });
  webhooks.post('/hooks/:id', { config: { keyward: { auth: 'signature' } } }, async (request) => {
    expectTypeOf(request.webhook).toEqualTypeOf<VerifiedWebhook | null>();
    expectTypeOf(request.webhook?.payload).toEqualTypeOf<Buffer | undefined>();
    return request.webhook?.id;
  });
});
// @ts-expect-error the store option must be a KeyStore
await app.register(apiKeyAuth, { store: 'memory' });
