import { ApiKeyError } from '@keyward/core';
import { createWebhookGuard, readRequestBody, type WebhookGuardOptions } from '@keyward/core/adapter';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CALLER } from './caller.js';
import { checkOnError, type OnApiKeyError, refuse } from './refuse.js';
import type { ResolvedRouteConfig } from './route-config.js';
import { installRouteGuard, markChecked, readRouteConfig } from './route-guards.js';

/**
 * Options of the {@link webhookAuth} plugin: core's webhook guard options (`secrets`, a list or a
 * function of the request; `toleranceSeconds`; `limit`) plus `onError`.
 */
export interface WebhookAuthOptions extends WebhookGuardOptions<FastifyRequest> {
  /** As {@link ApiKeyAuthOptions.onError}: if it neither replies nor throws, the standard response is sent. */
  onError?: OnApiKeyError;
}

const WEBHOOK_CALLER = `${CALLER}: webhookAuth`;

const plugin: FastifyPluginAsync<WebhookAuthOptions> = async (fastify, options) => {
  const guard = createWebhookGuard<FastifyRequest>(options, { caller: WEBHOOK_CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError(options.onError, WEBHOOK_CALLER);
  // Fastify's root instance is the one object not made from another: there the raw parser
  // would replace the JSON parser of every route of the app.
  if (Object.getPrototypeOf(fastify) === Object.prototype) {
    throw new TypeError(
      `${WEBHOOK_CALLER}: register it inside the encapsulated context that holds the webhook routes (app.register(async (webhooks) => { await webhooks.register(webhookAuth, options); webhooks.post(...) })), not on the root instance, where its raw-body parser would replace the JSON parser of every route`,
    );
  }
  if (!fastify.hasRequestDecorator('webhook')) fastify.decorateRequest('webhook', null);
  installRouteGuard(fastify, 'signature');

  // What the parser read, per request: the exact bytes, or why there are none.
  const bodies = new WeakMap<FastifyRequest, Buffer | ApiKeyError>();
  // In this context only, every content type is kept as the exact bytes the signature covers,
  // within this plugin's own limit: the app's bodyLimit and JSON parser do not apply here.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    readRequestBody(payload, { limit: guard.limit, contentLength: request.headers['content-length'] }).then(
      (result) => {
        bodies.set(request, result.ok ? result.body : result.error);
        // Refusals are sent from preHandler, past the app's error handler, so that they are
        // the same bytes in every app.
        done(null, result.ok ? result.body : undefined);
      },
      (err: unknown) => done(err as Error, undefined),
    );
  });

  fastify.addHook('onRequest', async (request) => markChecked(request, 'signature'));
  // preHandler: after the body is read, which the signature needs.
  fastify.addHook('preHandler', async (request, reply) => {
    const read = bodies.get(request);
    if (read instanceof ApiKeyError) return refuse(read, request, reply, onError);
    let config: ResolvedRouteConfig;
    try {
      config = readRouteConfig(request);
    } catch (cause) {
      return refuse(new ApiKeyError('internal_error', { cause }), request, reply, undefined);
    }
    if (config.auth !== 'signature') return;
    let payload = read;
    if (payload === undefined) {
      if (request.body !== undefined && request.body !== null) {
        // Another parser took this body: what it holds is not the bytes that were signed.
        const cause = new Error(
          `${WEBHOOK_CALLER}: the body of ${request.method} ${request.routeOptions.url} was parsed by another content-type parser added after webhookAuth`,
        );
        return refuse(new ApiKeyError('internal_error', { cause }), request, reply, undefined);
      }
      payload = Buffer.alloc(0);
    }
    const result = await guard.verify(request, { headers: request.headers, payload });
    if (result.ok) {
      request.webhook = result.webhook;
      return;
    }
    return refuse(result.error, request, reply, onError);
  });
};

/**
 * The Fastify plugin for signed webhooks (Standard Webhooks). Register it inside the
 * encapsulated context that holds the webhook routes: there, and only there, it keeps every
 * body as its exact bytes (within `limit`, default 1 MiB: 413 before any signature is
 * computed), and verifies the routes whose `config.keyward.auth` is `'signature'` in
 * `preHandler`, setting `request.webhook` to `{ id, timestamp, payload }`. Routes elsewhere keep
 * the app's parsers. Replays are yours to refuse, by `request.webhook.id`.
 *
 * @example
 * await app.register(async (webhooks) => {
 *   await webhooks.register(webhookAuth, { secrets: [process.env.WEBHOOK_SECRET] });
 *   webhooks.post('/webhooks/billing', { config: { keyward: { auth: 'signature' } } }, async (request) => {
 *     const event = JSON.parse(request.webhook.payload.toString('utf8'));
 *   });
 * });
 */
export const webhookAuth = fp(plugin, { fastify: '5.x', name: `${CALLER}/webhook-auth` });
