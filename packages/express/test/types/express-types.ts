// Checked by tsc against the BUILT package (dist/index.d.ts, through the package's own name),
// so it proves that the Request augmentation survives the .d.ts build. See ../types.test.ts.
import type { ApiKeyContext, KeyStore, PortalSession, SessionStore } from '@keyward/core';
import {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  type ErrorCode,
  getApiKey,
  getPortalSession,
  type OnApiKeyError,
  requireScopes,
  sendApiKeyError,
  sessionAuth,
  type VerifiedWebhook,
  verifyWebhooks,
} from '@keyward/express';
import express from 'express';
import { expectTypeOf } from 'vitest';

declare const store: KeyStore;
const onError: OnApiKeyError = (err, _req, res, next) => (err.code === 'missing_api_key' ? next() : res.end());
const app = express();
app.use(apiKeyAuth({ store, optional: true, header: 'x-service-key', failureLimit: false, onError }));

app.get('/', requireScopes('keys:read'), (req, res) => {
  expectTypeOf(req.apiKey).toEqualTypeOf<ApiKeyContext | undefined>();
  expectTypeOf(getApiKey(req)).toEqualTypeOf<ApiKeyContext>();
  // @ts-expect-error the context is an object, never a string (this line fails if apiKey were any)
  const wrong: string = req.apiKey;
  res.send(wrong);
});

// ApiKeyError is a value of the package itself, so routes throw it without importing core.
app.get('/reports/:id', () => {
  throw new ApiKeyError('not_found');
});
app.get('/gone', (_req, res) => sendApiKeyError(res, new ApiKeyError('not_found')));
app.use(apiKeyErrorHandler());
expectTypeOf(new ApiKeyError('not_found').code).toEqualTypeOf<ErrorCode>();
// @ts-expect-error an ApiKeyError's code is one of keyward's codes
new ApiKeyError('nope');

// @ts-expect-error the store option must be a KeyStore
apiKeyAuth({ store: 'memory' });

declare const sessions: SessionStore;
app.get('/portal/me', sessionAuth({ store: sessions, optional: true, onError }), (req, res) => {
  expectTypeOf(req.portalSession).toEqualTypeOf<PortalSession | undefined>();
  expectTypeOf(getPortalSession(req)).toEqualTypeOf<PortalSession>();
  res.json({ customer: getPortalSession(req).customerId });
});
// @ts-expect-error sessionAuth takes no scopes: a session holds none
sessionAuth({ store: sessions, scopes: ['a'] });

app.post(
  '/hooks/:id',
  verifyWebhooks({
    secrets: async (req) => (req.params.id === 'known' ? { secrets: ['whsec_x'], toleranceSeconds: 60 } : null),
    limit: 1024,
  }),
  (req, res) => {
    expectTypeOf(req.webhook).toEqualTypeOf<VerifiedWebhook | undefined>();
    expectTypeOf(req.webhook?.payload).toEqualTypeOf<Buffer | undefined>();
    res.sendStatus(204);
  },
);
// @ts-expect-error secrets is a list or a function, never one string
verifyWebhooks({ secrets: 'whsec_x' });
