import type { AdapterFactory, HarnessConfig } from '@keyward/test-kit/adapter-cases';
import { serveHarness } from '@keyward/test-kit/serve-harness';
import type { SessionAdapterFactory } from '@keyward/test-kit/session-cases';
import type { WebhookAdapterFactory } from '@keyward/test-kit/webhook-cases';
import express, { type Express, type Request, type Response } from 'express';
import {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  getApiKey,
  getPortalSession,
  type OnApiKeyError,
  requireScopes,
  sessionAuth,
  type VerifyWebhooksOptions,
  verifyWebhooks,
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

function countingOnError(kind: 'custom' | 'nothing', counts: { onErrorRuns: number }): OnApiKeyError {
  return kind === 'custom'
    ? (err, _req, res) => {
        counts.onErrorRuns += 1;
        res.status(418).json({ custom: err.code });
      }
    : () => {
        counts.onErrorRuns += 1;
      };
}

/** The session table's app on Express (`create` as in {@link expressHarness}). */
export function expressSessionHarness(create: () => Express = express): SessionAdapterFactory {
  return async ({ onError, keyStore, ...options }) => {
    const counts = { handlerRuns: 0, onErrorRuns: 0 };
    const app = create();
    app.set('trust proxy', true);
    app.get('/keys', apiKeyAuth({ store: keyStore, failureLimit: false }), (req, res) => {
      counts.handlerRuns += 1;
      res.json({ apiKey: req.apiKey ?? null });
    });
    app.use('/portal', sessionAuth({ ...options, ...(onError && { onError: countingOnError(onError, counts) }) }));
    app.get('/portal', (req, res) => {
      counts.handlerRuns += 1;
      res.json({ portalSession: req.portalSession ?? null });
    });
    app.get('/portal/context', (req, res) => {
      counts.handlerRuns += 1;
      res.json({ portalSession: getPortalSession(req) });
    });
    app.use(apiKeyErrorHandler());
    return serveHarness(app, counts);
  };
}

/**
 * The webhook table's app on Express: verifyWebhooks on the two webhook routes, and a JSON
 * route with express.json() of the same Express (`framework` is `express` or the `express4` alias).
 */
export function expressWebhookHarness(framework: typeof express = express): WebhookAdapterFactory {
  return async ({ onError, secrets, lookup, options = {} }) => {
    const counts = { handlerRuns: 0, onErrorRuns: 0 };
    const app = framework();
    const shared = { ...options, ...(onError && { onError: countingOnError(onError, counts) }) };
    const handler = (req: Request, res: Response) => {
      counts.handlerRuns += 1;
      const { id, timestamp, payload } = req.webhook ?? { id: '', timestamp: 0, payload: Buffer.alloc(0) };
      res.json({ webhook: { id, timestamp, payload: payload.toString('base64') } });
    };
    app.post('/webhooks/static', verifyWebhooks({ ...shared, secrets } as VerifyWebhooksOptions), handler);
    const endpointSecrets = (req: Request) => lookup(String(req.params.id));
    app.post(
      '/webhooks/endpoints/:id',
      verifyWebhooks({ ...shared, secrets: endpointSecrets } as VerifyWebhooksOptions),
      handler,
    );
    app.post('/json', framework.json(), (req, res) => {
      res.json({ json: req.body });
    });
    app.use(apiKeyErrorHandler());
    return serveHarness(app, counts);
  };
}
