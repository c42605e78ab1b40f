// One trivial route on Koa 3: bare, behind @keyward/koa (failure limiter on and off), and behind
// a hand-written middleware that only hashes (the least any key check costs in Koa).
import { apiKeyAuth } from '@keyward/koa';
import Koa from 'koa';
import { oneKey, sha256 } from './keys.mjs';
import { listening, variant } from './serve.mjs';

const { store, key, hash } = await oneKey();
const app = new Koa();
if (variant === 'keyward') app.use(apiKeyAuth({ store }));
else if (variant === 'keyward-nolimit') app.use(apiKeyAuth({ store, failureLimit: false }));
else if (variant === 'hook') {
  app.use((ctx, next) => {
    const given = ctx.headers['x-api-key'];
    if (typeof given !== 'string' || sha256(given) !== hash) {
      ctx.status = 401;
      ctx.body = { error: 'no' };
      return undefined;
    }
    return next();
  });
} else if (variant !== 'bare') throw new Error(`unknown variant ${variant}`);
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const server = app.listen(0, '127.0.0.1', () =>
  listening(server.address().port, { info: { key }, close: () => new Promise((r) => server.close(r)) }),
);
