import type { AdapterFactory, HarnessConfig } from '@keyward/test-kit/adapter-cases';
import { serveHarness } from '@keyward/test-kit/serve-harness';
import express, { type Express, type Request, type Response } from 'express';
import {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  getApiKey,
  type OnApiKeyError,
  requireScopes,
} from '../src/index.js';

/**
 * The shared harness on Express, driven through supertest over one listening server. `create`
 * makes the app: Express 5 by default, Express 4 (the `express4` alias) to prove the peer range.
 */
export function expressHarness(create: () => Express = express): AdapterFactory {
  return async ({ onError, routeScopes = ['keys:write'], ...options }) => {
    const counts = { handlerRuns: 0, onErrorRuns: 0 };
    const app = create();
    app.set('trust proxy', true);
    const handler = (req: Request, res: Response) => {
      counts.handlerRuns += 1;
      res.json({ apiKey: req.apiKey ?? null });
    };
    const handlers: Record<NonNullable<HarnessConfig['onError']>, OnApiKeyError> = {
      custom: (err, _req, res) => {
        counts.onErrorRuns += 1;
        res.status(418).json({ custom: err.code });
      },
      nothing: () => {
        counts.onErrorRuns += 1;
      },
    };
    // Mounted before the middleware: the Express way to leave a route open.
    app.get('/public', handler);
    app.use(apiKeyAuth({ ...options, ...(onError && { onError: handlers[onError] }) }));
    app.get('/protected', handler);
    app.get('/scoped', requireScopes(...routeScopes), handler);
    app.get('/context', (req, res) => {
      counts.handlerRuns += 1;
      res.json({ apiKey: getApiKey(req) });
    });
    app.get('/throws', () => {
      counts.handlerRuns += 1;
      throw new ApiKeyError('not_found');
    });
    // Last, as error middleware goes.
    app.use(apiKeyErrorHandler());
    return serveHarness(app, counts);
  };
}

export const createExpressHarness = expressHarness();
