import type { AdapterFactory } from '@keyward/test-kit/adapter-cases';
import { serveHarness } from '@keyward/test-kit/serve-harness';
import express, { type Express, type Request, type Response } from 'express';
import { apiKeyAuth, requireScopes } from '../src/index.js';

/**
 * The shared harness on Express, driven through supertest over one listening server. `create`
 * makes the app: Express 5 by default, Express 4 (the `express4` alias) to prove the peer range.
 */
export function expressHarness(create: () => Express = express): AdapterFactory {
  return async ({ customOnError, ...options }) => {
    let runs = 0;
    const app = create();
    app.set('trust proxy', true);
    const handler = (req: Request, res: Response) => {
      runs += 1;
      res.json({ apiKey: req.apiKey ?? null });
    };
    // Mounted before the middleware: the Express way to leave a route open.
    app.get('/public', handler);
    app.use(
      apiKeyAuth({
        ...options,
        ...(customOnError && { onError: (err, _req, res) => res.status(418).json({ custom: err.code }) }),
      }),
    );
    app.get('/protected', handler);
    app.get('/scoped', requireScopes('keys:write'), handler);
    return serveHarness(app, () => runs);
  };
}

export const createExpressHarness = expressHarness();
