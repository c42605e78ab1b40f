import { createPostgresKeyStore } from '@keyward/store-postgres';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './create-app.js';
import { useBaselineWasmCompiler } from './wasm-compiler.js';

// The reference server's entry point: environment → storage → app → listen, and a graceful stop
// on SIGTERM/SIGINT. Everything testable lives in createApp and loadConfig.

// How long closing the store may take after the grace, before the process exits regardless.
const SHUTDOWN_MARGIN_MS = 5_000;

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

  // Before PGlite compiles its WebAssembly: about 50 MB less idle memory (wasm-compiler.ts says
  // why, and what it costs).
  if (config.databaseUrl === null) useBaselineWasmCompiler();

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
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
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
    const graceMs = config.shutdownTimeoutMs;
    app.log.info({ signal, graceMs }, 'shutting down: finishing in-flight requests');
    // A request that never finishes (a body trickling in, headers that never end) must not hold
    // the process: after the grace, whatever is still open is closed, and app.close() returns.
    const cut = setTimeout(() => {
      app.log.warn({ graceMs }, 'shutdown grace over: closing the connections still open');
      app.server.closeAllConnections();
    }, graceMs);
    // Last resort, should closing the store hang too: the process ends all the same.
    const deadline = setTimeout(() => {
      app.log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, graceMs + SHUTDOWN_MARGIN_MS);
    cut.unref();
    deadline.unref();
    try {
      // Stops accepting connections and waits for the requests in flight.
      await app.close();
      clearTimeout(cut);
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
