import { createPostgresKeyStore } from '@keyward/store-postgres';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './create-app.js';

// The reference server's entry point: environment → storage → app → listen, and a graceful stop
// on SIGTERM/SIGINT. Everything testable lives in createApp and loadConfig.

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`keyward: cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  let app: FastifyInstance | undefined;
  const store = await createPostgresKeyStore({
    ...(config.databaseUrl === null ? { dataDir: config.dataDir } : { connectionString: config.databaseUrl }),
    ...config.storeTimeouts,
    onError: (err: unknown) => {
      if (app) app.log.error({ err }, 'key store error');
      else process.stderr.write(`keyward: key store error: ${String(err)}\n`);
    },
  });

  app = createApp({
    // One database for all three: a session revoked or a webhook-id recorded on one instance
    // holds on every instance sharing it, and all survive a restart.
    storage: { keys: store, sessions: store, webhooks: store },
    staticKeys: config.staticKeys ?? undefined,
    devKey: config.devKey,
    logger: { level: config.logLevel },
    // A hop count trusts that many proxies in front, as proxy-addr counts them.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal means "now": the operator has given up waiting.
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      // Stops accepting connections and waits for the requests in flight.
      await app.close();
      await store.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      url: address,
      database: config.databaseUrl === null ? `embedded (${config.dataDir})` : 'postgresql',
      devKey: config.devKey,
      staticKeys: config.staticKeys?.keys.length ?? 0,
    },
    `keyward server listening at ${address}`,
  );
  if (config.devKey) app.log.warn('the development key is enabled (NODE_ENV is not production)');
}

main().catch((err) => {
  process.stderr.write(`keyward: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
