import { ApiKeyError, generateWebhookSecret, signWebhook } from '@keyward/core';
import express, { type Express } from 'express';
import express4 from 'express4';
import supertest from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKeyErrorHandler, verifyWebhooks } from './index.js';

const secret = generateWebhookSecret();
const EVENT = '{"type":"invoice.paid"}';
const INTERNAL = '{"error":{"code":"internal_error","message":"Internal server error"}}';
const TOO_LARGE = '{"error":{"code":"payload_too_large","message":"Request body is too large"}}';

function signed(payload = EVENT, contentType = 'application/json') {
  return { ...signWebhook({ id: 'msg_1', payload, secret }), 'content-type': contentType };
}

function post(app: Express, path: string, headers: Record<string, string>, body: string) {
  let request = supertest(app).post(path);
  for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
  return request.serialize(() => body).send(body);
}

function webhookApp(framework: typeof express, before: (app: Express) => void) {
  const runs = { handler: 0 };
  const app = framework();
  before(app);
  app.post('/hooks', verifyWebhooks({ secrets: [secret], limit: 64 }), (req, res) => {
    runs.handler += 1;
    res.json({ id: req.webhook?.id, bytes: req.webhook?.payload.length });
  });
  app.use(apiKeyErrorHandler());
  return { app, runs };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('verifyWebhooks (express)', () => {
  it('refuses a body express.json() already parsed with 500, says why in the log, and never verifies', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, runs } = webhookApp(express, (a) => a.use(express.json()));
    const response = await post(app, '/hooks', signed(), EVENT);
    expect([response.status, response.text]).toEqual([500, INTERNAL]);
    expect(runs.handler).toBe(0);
    expect(logged).toHaveBeenCalledTimes(1);
    const line = logged.mock.calls[0]?.map(String).join(' ') ?? '';
    expect(line).toContain('@keyward/express: verifyWebhooks: refused POST /hooks:');
    expect(line).toContain('req.body was already parsed by another body parser (express.json(), say)');
    expect(line).not.toContain(secret.slice(6));
  });

  it("refuses Express 4's body-parser too, which sets req.body to {} for a type it does not parse", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, runs } = webhookApp(express4, (a) => a.use(express4.json()));
    const response = await post(app, '/hooks', signed(EVENT, 'text/plain'), EVENT);
    expect([response.status, response.text]).toEqual([500, INTERNAL]);
    expect(runs.handler).toBe(0);
  });

  it('refuses a stream another middleware read without setting req.body, rather than wait forever', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, runs } = webhookApp(express, (a) =>
      a.use((req, _res, next) => {
        req.resume();
        req.on('end', () => next());
      }),
    );
    const response = await post(app, '/hooks', signed(), EVENT);
    expect([response.status, response.text]).toEqual([500, INTERNAL]);
    expect(runs.handler).toBe(0);
    expect(logged.mock.calls[0]?.map(String).join(' ')).toContain('already read by another middleware or body parser');
  });

  it('uses the bytes express.raw() kept, within its own limit', async () => {
    const { app, runs } = webhookApp(express, (a) => a.use(express.raw({ type: '*/*' })));
    const ok = await post(app, '/hooks', signed(), EVENT);
    expect([ok.status, ok.body]).toEqual([200, { id: 'msg_1', bytes: EVENT.length }]);
    const big = 'x'.repeat(65);
    const refused = await post(app, '/hooks', signed(big, 'text/plain'), big);
    expect([refused.status, refused.text]).toEqual([413, TOO_LARGE]);
    expect(runs.handler).toBe(1);
  });

  it('guards every route under a path when mounted with app.use', async () => {
    const app = express();
    app.use('/hooks', verifyWebhooks({ secrets: [secret] }));
    app.post('/hooks/:source', (req, res) => res.json({ source: req.params.source, id: req.webhook?.id }));
    expect((await post(app, '/hooks/billing', signed(), EVENT)).body).toEqual({ source: 'billing', id: 'msg_1' });
    expect((await post(app, '/hooks/billing', signed(), `${EVENT} `)).status).toBe(401);
  });

  it("hands an error onError throws to Express's error middleware, on Express 4 as on 5", async () => {
    for (const framework of [express, express4]) {
      const app = framework();
      app.post(
        '/hooks',
        verifyWebhooks({
          secrets: [secret],
          onError: () => {
            throw new ApiKeyError('not_found');
          },
        }),
        (_req, res) => res.send('reached'),
      );
      app.use(apiKeyErrorHandler());
      const response = await post(app, '/hooks', signed(), '{}');
      expect([response.status, response.body.error.code]).toEqual([404, 'not_found']);
    }
  });

  it('lets a request through unverified only when onError calls next() on purpose', async () => {
    const app = express();
    app.post('/hooks', verifyWebhooks({ secrets: [secret], onError: (_err, _req, _res, next) => next() }), (req, res) =>
      res.json({ verified: req.webhook !== undefined }),
    );
    expect((await post(app, '/hooks', signed(), '{}')).body).toEqual({ verified: false });
  });
});
