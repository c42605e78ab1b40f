import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import supertest from 'supertest';
import { apiKeyAuth, requireScopes } from '../src/index.js';
import type { AdapterFactory } from './adapter-cases.js';

/** The shared harness on Express, driven through supertest over one listening server. */
export const createExpressHarness: AdapterFactory = async ({ customOnError, ...options }) => {
  let runs = 0;
  const app = express();
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
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = supertest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    get handlerRuns() {
      return runs;
    },
    async send({ path, headers = {} }) {
      let request = agent.get(path);
      for (const [name, value] of Object.entries(headers)) request = request.set(name, value as string);
      const response = await request;
      return { status: response.status, headers: response.headers, body: response.text };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
};
