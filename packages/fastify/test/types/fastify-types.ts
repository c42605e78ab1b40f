// Checked by tsc against the BUILT package (dist/index.d.ts, through the package's own name),
// so it proves that the augmentations survive the .d.ts build. See ../types.test.ts.
import type { ApiKeyContext } from '@keyward/core';
import apiKeyAuthDefault, {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  type ErrorCode,
  requireScopes,
  sendApiKeyError,
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
  { config: { keyward: { auth: 'none', scopes: ['keys:read'] } }, preHandler: requireScopes('a') },
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

// @ts-expect-error config.keyward.auth is 'apiKey' or 'none'
app.get('/bad', { config: { keyward: { auth: 'off' } } }, async () => 'x');
// @ts-expect-error the store option must be a KeyStore
await app.register(apiKeyAuth, { store: 'memory' });
