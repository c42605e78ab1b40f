// One trivial route on Koa 3: bare, and behind @keyward/koa (failure limiter on and off).
import { apiKeyAuth } from '@keyward/koa';
import Koa from 'koa';
import { oneKey } from './keys.mjs';
import { listening, variant } from './serve.mjs';

const { store, key } = await oneKey();
const app = new Koa();
if (variant === 'keyward') app.use(apiKeyAuth({ store }));
else if (variant === 'keyward-nolimit') app.use(apiKeyAuth({ store, failureLimit: false }));
else if (variant !== 'bare') throw new Error(`unknown variant ${variant}`);
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const server = app.listen(0, '127.0.0.1', () =>
  listening(server.address().port, { info: { key }, close: () => new Promise((r) => server.close(r)) }),
);
