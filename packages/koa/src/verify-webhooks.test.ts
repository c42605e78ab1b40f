import { ApiKeyError, generateWebhookSecret, signWebhook } from '@keyward/core';
import Koa, { type Middleware } from 'koa';
import Koa2 from 'koa2';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiKeyErrorHandler, verifyWebhooks, type WebhookState } from './index.js';

const secret = generateWebhookSecret();
const EVENT = '{"type":"invoice.paid"}';
const INTERNAL = '{"error":{"code":"internal_error","message":"Internal server error"}}';
const TOO_LARGE = '{"error":{"code":"payload_too_large","message":"Request body is too large"}}';

function signed(payload = EVENT) {
  return { ...signWebhook({ id: 'msg_1', payload, secret }), 'content-type': 'application/json' };
}

/** An app with `before` first, then verifyWebhooks and a handler that counts its runs; `error` events kept. */
function webhookApp(before?: Middleware) {
  const runs = { handler: 0 };
  const errors: Error[] = [];
  const app = new Koa<WebhookState>();
  app.on('error', (err: Error) => errors.push(err));
  app.use(apiKeyErrorHandler());
  if (before) app.use(before);
  app.use(verifyWebhooks({ secrets: [secret], limit: 64 }));
  app.use((ctx) => {
    runs.handler += 1;
    ctx.body = { id: ctx.state.webhook?.id, bytes: ctx.state.webhook?.payload.length };
  });
  const post = (headers: Record<string, string>, body: string) =>
    supertest(app.callback())
      .post('/hooks')
      .set(headers)
      .serialize(() => body)
      .send(body);
  return { post, runs, errors };
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('verifyWebhooks (koa)', () => {
  it("refuses a body a parser already parsed with 500, says why on the app's error event, and never verifies", async () => {
    const { post, runs, errors } = webhookApp(async (ctx, next) => {
      (ctx.request as { body?: unknown }).body = JSON.parse((await readAll(ctx.req)).toString('utf8'));
      await next();
    });
    const response = await post(signed(), EVENT);
    expect([response.status, response.text]).toEqual([500, INTERNAL]);
    expect(runs.handler).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^@keyward\/koa: verifyWebhooks: refused POST \/hooks: Error: ctx\.request\.body was already parsed by a body parser/,
    );
    expect(errors[0]?.message).not.toContain(secret.slice(6));
  });

  it('refuses a stream another middleware read without setting ctx.request.body, rather than wait forever', async () => {
    const { post, runs, errors } = webhookApp(async (ctx, next) => {
      await readAll(ctx.req);
      await next();
    });
    const response = await post(signed(), EVENT);
    expect([response.status, response.text]).toEqual([500, INTERNAL]);
    expect(runs.handler).toBe(0);
    expect(errors[0]?.message).toContain('already read by another middleware or body parser');
  });

  it('uses the bytes a raw parser kept as a Buffer, within its own limit', async () => {
    const { post, runs } = webhookApp(async (ctx, next) => {
      (ctx.request as { body?: unknown }).body = await readAll(ctx.req);
      await next();
    });
    const ok = await post(signed(), EVENT);
    expect([ok.status, ok.body]).toEqual([200, { id: 'msg_1', bytes: EVENT.length }]);
    const big = 'x'.repeat(65);
    const refused = await post(signed(big), big);
    expect([refused.status, refused.text]).toEqual([413, TOO_LARGE]);
    expect(runs.handler).toBe(1);
  });

  it('lets an error onError throws reach apiKeyErrorHandler, on Koa 3 as on 2', async () => {
    for (const KoaClass of [Koa, Koa2]) {
      const app = new KoaClass<WebhookState>();
      app.use(apiKeyErrorHandler());
      app.use(
        verifyWebhooks({
          secrets: [secret],
          onError: () => {
            throw new ApiKeyError('not_found');
          },
        }),
      );
      app.use((ctx) => {
        ctx.body = 'reached';
      });
      const response = await supertest(app.callback()).post('/').set(signed()).send('{}');
      expect([response.status, response.body.error.code]).toEqual([404, 'not_found']);
    }
  });

  it('lets a request through unverified only when onError calls next() on purpose', async () => {
    const app = new Koa<WebhookState>();
    app.use(verifyWebhooks({ secrets: [secret], onError: (_err, _ctx, next) => next() }));
    app.use((ctx) => {
      ctx.body = { verified: ctx.state.webhook !== undefined };
    });
    expect((await supertest(app.callback()).post('/').set(signed()).send('{}')).body).toEqual({ verified: false });
  });
});
