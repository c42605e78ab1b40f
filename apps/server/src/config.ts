import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEV_API_KEY, hashApiKey, isDevelopmentEnv, type KeyConfig, parseKeyConfig } from '@keyward/core';
import { formatIssue } from '@keyward/core/adapter';
import { z } from 'zod';

/** The server's settings, read from the environment (docs/server.md). */
export interface ServerConfig {
  port: number;
  host: string;
  /** A PostgreSQL URL, or `null` for the embedded database in `dataDir`. */
  databaseUrl: string | null;
  /** Absolute path of the embedded database's folder. */
  dataDir: string;
  /** The static keys of `KEYWARD_CONFIG`, or `null` when unset. */
  staticKeys: KeyConfig | null;
  production: boolean;
  /** Whether the development key is accepted. */
  devKey: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Fastify's `trustProxy`: whom to believe about the client address (`X-Forwarded-For`), so
   * that the failure limit counts real clients behind a load balancer. Default `false`.
   */
  trustProxy: boolean | number | string;
  /**
   * The store's timeouts that were set (`KEYWARD_DB_CONNECT_TIMEOUT_MS`,
   * `KEYWARD_DB_QUERY_TIMEOUT_MS`, `KEYWARD_LOOKUP_TIMEOUT_MS`, `KEYWARD_DB_HEARTBEAT_MS`);
   * one left unset keeps `@keyward/store-postgres`'s default.
   */
  storeTimeouts: StoreTimeouts;
  /** The whole request, headers and body, must arrive within this; else 408 and closed. */
  requestTimeoutMs: number;
  /** How long an idle connection is kept open between requests. */
  keepAliveTimeoutMs: number;
  /** How long a SIGTERM waits for requests in flight before closing what is still open. */
  shutdownTimeoutMs: number;
}

/** The `createPostgresKeyStore` timeouts the environment may set, in milliseconds. */
interface StoreTimeouts {
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  lookupTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

/** A setting the server cannot start with. The message says which and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const flag = z.preprocess(
  blankToUndefined,
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))
    .optional(),
);

// Whole milliseconds, 1 ms to an hour: an hour is already far beyond any request this server
// serves or any wait on its database. Without a fallback, unset stays unset (the store's default).
const MAX_TIMEOUT_MS = 3_600_000;
const wholeMilliseconds = z
  .string()
  .regex(/^\d{1,10}$/, 'must be a whole number of milliseconds')
  .transform(Number)
  .pipe(z.number().min(1, 'must be at least 1 ms').max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms`));
const milliseconds = (fallback: number) => z.preprocess(blankToUndefined, wholeMilliseconds.default(fallback));
const optionalMilliseconds = () => z.preprocess(blankToUndefined, wholeMilliseconds.optional());

const envSchema = z.object({
  PORT: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().max(65535, 'must be a port number'))
      .default(3000),
  ),
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  KEYWARD_DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  KEYWARD_CONFIG: z.preprocess(blankToUndefined, z.string().optional()),
  KEYWARD_DEV_KEY: flag,
  NODE_ENV: z.string().optional(),
  // `true`, `false`, a hop count, or a comma-separated list of proxy addresses or CIDR ranges.
  KEYWARD_TRUST_PROXY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^(true|false|\d{1,2}|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/,
        'must be true, false, a hop count, or a comma-separated list of proxy addresses or CIDR ranges',
      )
      .transform((v) => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
      .default(false),
  ),
  KEYWARD_DB_CONNECT_TIMEOUT_MS: optionalMilliseconds(),
  KEYWARD_DB_QUERY_TIMEOUT_MS: optionalMilliseconds(),
  KEYWARD_LOOKUP_TIMEOUT_MS: optionalMilliseconds(),
  KEYWARD_DB_HEARTBEAT_MS: optionalMilliseconds(),
  // 30 s for a whole request: bodies here are at most 1 MiB, so only a client that is stalling on
  // purpose (a slowloris) needs longer.
  KEYWARD_REQUEST_TIMEOUT_MS: milliseconds(30_000),
  // Fastify's default, longer than the 60 s idle timeout of common load balancers, so that the
  // balancer, not the server, closes an idle connection (otherwise a request can race the close).
  KEYWARD_KEEP_ALIVE_TIMEOUT_MS: milliseconds(72_000),
  // Well under the 30 s an orchestrator usually waits after SIGTERM before it sends SIGKILL.
  KEYWARD_SHUTDOWN_TIMEOUT_MS: milliseconds(10_000),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Relative paths resolve against this. Default `process.cwd()`. */
  cwd?: string;
  /** Reads the `KEYWARD_CONFIG` file; for tests. */
  readFile?: (path: string) => string;
}

/**
 * Reads and checks the environment. The development key is on outside production unless
 * `KEYWARD_DEV_KEY=0`; in production it is off, and asking for it (`KEYWARD_DEV_KEY=1`, or its
 * hash in `KEYWARD_CONFIG`) is refused, since the key is public.
 *
 * @throws ConfigError naming the variable, or the bad entry of the config file.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): ServerConfig {
  const cwd = options.cwd ?? process.cwd();
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(formatIssue(parsed.error.issues[0], [], 'environment'));
  }
  const e = parsed.data;
  // Only known development values count as development: `Production`, `prod` or a typo is
  // production, so the public development key is never left on by a spelling.
  const production = !isDevelopmentEnv({ NODE_ENV: e.NODE_ENV });
  const staticKeys = e.KEYWARD_CONFIG === undefined ? null : readKeyConfig(resolve(cwd, e.KEYWARD_CONFIG), options);

  if (production && e.KEYWARD_DEV_KEY === true) {
    throw new ConfigError(
      'KEYWARD_DEV_KEY: the development key is public and cannot be enabled when NODE_ENV=production; unset KEYWARD_DEV_KEY',
    );
  }
  const devHash = hashApiKey(DEV_API_KEY);
  const devEntry = staticKeys?.keys.findIndex((key) => key.hash === devHash) ?? -1;
  if (production && devEntry >= 0) {
    throw new ConfigError(
      `KEYWARD_CONFIG: keys[${devEntry}] is the public development key, which cannot be used when NODE_ENV=production`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    // memory:// is the embedded database in memory (gone at exit), not a folder named memory:.
    dataDir: e.KEYWARD_DATA_DIR === 'memory://' ? 'memory://' : resolve(cwd, e.KEYWARD_DATA_DIR),
    staticKeys,
    production,
    devKey: !production && e.KEYWARD_DEV_KEY !== false,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.KEYWARD_TRUST_PROXY,
    storeTimeouts: definedOnly({
      connectTimeoutMs: e.KEYWARD_DB_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: e.KEYWARD_DB_QUERY_TIMEOUT_MS,
      lookupTimeoutMs: e.KEYWARD_LOOKUP_TIMEOUT_MS,
      heartbeatIntervalMs: e.KEYWARD_DB_HEARTBEAT_MS,
    }),
    requestTimeoutMs: e.KEYWARD_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEYWARD_KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: e.KEYWARD_SHUTDOWN_TIMEOUT_MS,
  };
}

/** The fields that are set: the store applies its own default to one that is absent. */
function definedOnly(timeouts: Record<keyof StoreTimeouts, number | undefined>): StoreTimeouts {
  return Object.fromEntries(Object.entries(timeouts).filter(([, ms]) => ms !== undefined)) as StoreTimeouts;
}

function readKeyConfig(path: string, options: LoadConfigOptions): KeyConfig {
  let text: string;
  try {
    text = (options.readFile ?? ((p) => readFileSync(p, 'utf8')))(path);
  } catch (err) {
    throw new ConfigError(`KEYWARD_CONFIG: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Only the position: JSON.parse's message quotes the text, and a misplaced key must not be printed.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new ConfigError(`KEYWARD_CONFIG: ${path} is not valid JSON${at === undefined ? '' : ` (at position ${at})`}`);
  }
  try {
    return parseKeyConfig(json);
  } catch (err) {
    throw new ConfigError(`KEYWARD_CONFIG: ${path}: ${(err as Error).message}`);
  }
}
