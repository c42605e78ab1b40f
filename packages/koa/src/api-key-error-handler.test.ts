import Koa from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { ApiKeyError, type ApiKeyState, apiKeyErrorHandler, sendApiKeyError } from './index.js';

const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';

describe('apiKeyErrorHandler (koa)', () => {
  it('renders an ApiKeyError thrown after it, Retry-After included', async () => {
    const app = new Koa<ApiKeyState>();
    app.use(apiKeyErrorHandler());
    app.use(() => {
      throw new ApiKeyError('too_many_requests', { retryAfterSeconds: 7 });
    });
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.text).toBe(
      '{"error":{"code":"too_many_requests","message":"Too many failed authentication attempts"}}',
    );
  });

  it('rethrows any other error to the error handling around it, untouched', async () => {
    const app = new Koa<ApiKeyState>();
    const boom = new Error('boom');
    const seen: unknown[] = [];
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        seen.push(err);
        ctx.status = 500;
        ctx.body = 'handled elsewhere';
      }
    });
    app.use(apiKeyErrorHandler());
    app.use(() => {
      throw boom;
    });
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toBe('handled elsewhere');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(boom);
  });

  it("leaves any other error to Koa's default handling when nothing else catches it", async () => {
    const app = new Koa<ApiKeyState>();
    app.silent = true;
    app.use(apiKeyErrorHandler());
    app.use(() => {
      throw new Error('boom');
    });
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toBe('Internal Server Error');
  });

  it('rethrows a keyward error when the headers are already sent, since nothing can be rendered', async () => {
    const app = new Koa<ApiKeyState>();
    const seen: unknown[] = [];
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        seen.push(err);
        ctx.res.end();
      }
    });
    app.use(apiKeyErrorHandler());
    app.use((ctx) => {
      ctx.respond = false;
      ctx.res.writeHead(200);
      ctx.res.write('partial');
      throw new ApiKeyError('not_found');
    });
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(200);
    expect(response.text).toBe('partial');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'not_found' });
  });
});

describe('sendApiKeyError (koa)', () => {
  it("answers an app's own errors in the standard body", async () => {
    const app = new Koa<ApiKeyState>();
    app.use((ctx) => sendApiKeyError(ctx, new ApiKeyError('not_found')));
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.text).toBe(NOT_FOUND);
  });
});
