import type { AdapterFactory, HarnessConfig } from '@keyward/test-kit/adapter-cases';
import type { ServedHarness } from '@keyward/test-kit/serve-harness';
import type { SessionAdapterFactory } from '@keyward/test-kit/session-cases';
import type { WebhookAdapterFactory } from '@keyward/test-kit/webhook-cases';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  getApiKey,
  getPortalSession,
  type OnApiKeyError,
  requireScopes,
  sessionAuth,
  type VerifiedWebhook,
  type WebhookAuthOptions,
  webhookAuth,
} from '../src/index.js';

/** The shared harness on Fastify, driven through `app.inject()`. */
export const createFastifyHarness: AdapterFactory = async ({ onError, routeScopes = ['keys:write'], ...options }) => {
  const counts = { handlerRuns: 0, onErrorRuns: 0 };
  const handlers: Record<NonNullable<HarnessConfig['onError']>, OnApiKeyError> = {
    custom: (err, _request, reply) => {
      counts.onErrorRuns += 1;
      return reply.code(418).send({ custom: err.code });
    },
    nothing: () => {
      counts.onErrorRuns += 1;
    },
  };
  const app = Fastify({ trustProxy: true });
  try {
    app.setErrorHandler(apiKeyErrorHandler());
    await app.register(apiKeyAuth, { ...options, ...(onError && { onError: handlers[onError] }) });
    const handler = async (request: FastifyRequest, _reply: FastifyReply) => {
      counts.handlerRuns += 1;
      return { apiKey: request.apiKey };
    };
    app.get('/protected', handler);
    app.get('/scoped', { preHandler: requireScopes(...routeScopes) }, handler);
    app.get('/public', { config: { keyward: { auth: 'none' } } }, handler);
    app.get('/context', async (request) => {
      counts.handlerRuns += 1;
      return { apiKey: getApiKey(request) };
    });
    app.get('/throws', async () => {
      counts.handlerRuns += 1;
      throw new ApiKeyError('not_found');
    });
    await app.ready();
  } catch (err) {
    // A setup the adapter refuses must not leave the app (and its store listener) behind.
    await app.close().catch(() => {});
    throw err;
  }
  return {
    get handlerRuns() {
      return counts.handlerRuns;
    },
    get onErrorRuns() {
      return counts.onErrorRuns;
    },
    async send({ path, headers = {} }) {
      const response = await app.inject({ method: 'GET', url: path, headers });
      return { status: response.statusCode, headers: response.headers as Record<string, string>, body: response.body };
    },
    close: () => app.close(),
  };
};

/** The session table's app on Fastify: apiKeyAuth and sessionAuth side by side, routes told apart by config.keyward. */
export const createFastifySessionHarness: SessionAdapterFactory = async ({ onError, keyStore, ...options }) => {
  const counts = { handlerRuns: 0, onErrorRuns: 0 };
  const app = Fastify({ trustProxy: true });
  try {
    app.setErrorHandler(apiKeyErrorHandler());
    await app.register(apiKeyAuth, { store: keyStore, failureLimit: false });
    await app.register(sessionAuth, { ...options, ...(onError && { onError: countingOnError(onError, counts) }) });
    const session = { config: { keyward: { auth: 'session' as const } } };
    app.get('/portal', session, async (request) => {
      counts.handlerRuns += 1;
      return { portalSession: request.portalSession };
    });
    app.get('/portal/context', session, async (request) => {
      counts.handlerRuns += 1;
      return { portalSession: getPortalSession(request) };
    });
    app.get('/keys', async (request) => {
      counts.handlerRuns += 1;
      return { apiKey: request.apiKey };
    });
    await app.ready();
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
  return injectHarness(app, counts);
};

/**
 * The webhook table's app on Fastify: webhookAuth registered twice, each in the encapsulated
 * context of its route, and a JSON route on the root context with Fastify's own parser. The
 * app's bodyLimit is smaller than webhookAuth's default, to show that `limit` is its own.
 */
export const createFastifyWebhookHarness: WebhookAdapterFactory = async ({
  onError,
  secrets,
  lookup,
  options = {},
}) => {
  const counts = { handlerRuns: 0, onErrorRuns: 0 };
  const app = Fastify({ bodyLimit: 1024 });
  try {
    app.setErrorHandler(apiKeyErrorHandler());
    const shared = { ...options, ...(onError && { onError: countingOnError(onError, counts) }) };
    const handler = async (request: FastifyRequest) => {
      counts.handlerRuns += 1;
      const { id, timestamp, payload } = request.webhook as VerifiedWebhook;
      return { webhook: { id, timestamp, payload: payload.toString('base64') } };
    };
    const signature = { config: { keyward: { auth: 'signature' as const } } };
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { ...shared, secrets } as WebhookAuthOptions);
      webhooks.post('/webhooks/static', signature, handler);
    });
    await app.register(async (webhooks) => {
      const endpointSecrets = (request: FastifyRequest) => lookup((request.params as { id: string }).id);
      await webhooks.register(webhookAuth, { ...shared, secrets: endpointSecrets } as WebhookAuthOptions);
      webhooks.post('/webhooks/endpoints/:id', signature, handler);
    });
    app.post('/json', async (request) => ({ json: request.body }));
    await app.ready();
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
  return injectHarness(app, counts);
};

function countingOnError(kind: 'custom' | 'nothing', counts: { onErrorRuns: number }): OnApiKeyError {
  return kind === 'custom'
    ? (err, _request, reply) => {
        counts.onErrorRuns += 1;
        return reply.code(418).send({ custom: err.code });
      }
    : () => {
        counts.onErrorRuns += 1;
      };
}

function injectHarness(app: FastifyInstance, counts: { handlerRuns: number; onErrorRuns: number }): ServedHarness {
  return {
    get handlerRuns() {
      return counts.handlerRuns;
    },
    get onErrorRuns() {
      return counts.onErrorRuns;
    },
    async send({ method = 'GET', path, headers = {}, body }) {
      const response = await app.inject({
        method,
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      return { status: response.statusCode, headers: response.headers as Record<string, string>, body: response.body };
    },
    close: () => app.close(),
  };
}
