// One trivial route on Fastify: bare, behind @keyward/fastify (failure limiter on and off),
// behind @fastify/bearer-auth (the peer), and behind a hand-written hook that only hashes.
import bearerAuth from '@fastify/bearer-auth';
import { apiKeyAuth } from '@keyward/fastify';
import Fastify from 'fastify';
import { oneKey, sha256 } from './keys.mjs';
import { listening, variant } from './serve.mjs';

const { store, key, hash } = await oneKey();
const app = Fastify({ logger: false });
if (variant === 'keyward') await app.register(apiKeyAuth, { store });
else if (variant === 'keyward-nolimit') await app.register(apiKeyAuth, { store, failureLimit: false });
else if (variant === 'bearer-auth') await app.register(bearerAuth, { keys: new Set([key]) });
else if (variant === 'hook') {
  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers['x-api-key'];
    if (typeof given !== 'string' || sha256(given) !== hash) return reply.code(401).send({ error: 'no' });
  });
} else if (variant !== 'bare') throw new Error(`unknown variant ${variant}`);
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
listening(app.server.address().port, { info: { key }, close: () => app.close() });
