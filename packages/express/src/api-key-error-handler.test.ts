import express, { type ErrorRequestHandler } from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { ApiKeyError, apiKeyErrorHandler, sendApiKeyError } from './index.js';

const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';

describe('apiKeyErrorHandler (express)', () => {
  it('renders an ApiKeyError passed to next(err), Retry-After included', async () => {
    const app = express();
    app.get('/', (_req, _res, next) => next(new ApiKeyError('too_many_requests', { retryAfterSeconds: 7 })));
    app.use(apiKeyErrorHandler());
    const response = await supertest(app).get('/');
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.text).toBe(
      '{"error":{"code":"too_many_requests","message":"Too many failed authentication attempts"}}',
    );
  });

  it('renders a keyward error of another copy of core, recognised by its shape', async () => {
    const app = express();
    const foreign = Object.assign(new Error('Not found'), { name: 'ApiKeyError', code: 'not_found', status: 404 });
    app.get('/', () => {
      throw foreign;
    });
    app.use(apiKeyErrorHandler());
    const response = await supertest(app).get('/');
    expect(response.status).toBe(404);
    expect(response.text).toBe(NOT_FOUND);
  });

  it('passes any other error on to the next error handler, untouched', async () => {
    const app = express();
    const boom = new Error('boom');
    const seen: unknown[] = [];
    app.get('/', () => {
      throw boom;
    });
    app.use(apiKeyErrorHandler());
    app.use(((err, _req, res, _next) => {
      seen.push(err);
      res.status(500).send('handled elsewhere');
    }) satisfies ErrorRequestHandler);
    const response = await supertest(app).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toBe('handled elsewhere');
    expect(seen).toEqual([boom]);
    expect(seen[0]).toBe(boom);
  });

  it('passes a keyward error on when the headers are already sent, since nothing can be rendered', async () => {
    const app = express();
    const seen: unknown[] = [];
    app.get('/', (_req, res, next) => {
      res.status(200).write('partial');
      next(new ApiKeyError('not_found'));
    });
    app.use(apiKeyErrorHandler());
    app.use(((err, _req, res, _next) => {
      seen.push(err);
      res.end();
    }) satisfies ErrorRequestHandler);
    const response = await supertest(app).get('/');
    expect(response.status).toBe(200);
    expect(response.text).toBe('partial');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'not_found' });
  });
});

describe('sendApiKeyError (express)', () => {
  it("answers an app's own errors in the standard body", async () => {
    const app = express();
    app.get('/', (_req, res) => sendApiKeyError(res, new ApiKeyError('not_found')));
    const response = await supertest(app).get('/');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.text).toBe(NOT_FOUND);
  });
});
