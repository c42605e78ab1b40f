// One trivial route on Express 5: bare, behind @keyward/express (failure limiter on and off),
// and behind passport + passport-headerapikey looking the key's hash up in a Map (the peer).
import { apiKeyAuth } from '@keyward/express';
import express from 'express';
import passport from 'passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { oneKey, sha256 } from './keys.mjs';
import { listening, variant } from './serve.mjs';

const { store, key, hash } = await oneKey();
const app = express();
if (variant === 'keyward') app.use(apiKeyAuth({ store }));
else if (variant === 'keyward-nolimit') app.use(apiKeyAuth({ store, failureLimit: false }));
else if (variant === 'passport') {
  const byHash = new Map([[hash, { tenantId: 'bench' }]]);
  passport.use(
    new HeaderAPIKeyStrategy({ header: 'X-API-Key', prefix: '' }, false, (given, done) =>
      done(null, byHash.get(sha256(given)) ?? false),
    ),
  );
  app.use(passport.initialize());
  app.use(passport.authenticate('headerapikey', { session: false }));
} else if (variant !== 'bare') throw new Error(`unknown variant ${variant}`);
app.get('/', (_req, res) => res.json({ hello: 'world' }));
const server = app.listen(0, '127.0.0.1', () =>
  listening(server.address().port, { info: { key }, close: () => new Promise((r) => server.close(r)) }),
);
