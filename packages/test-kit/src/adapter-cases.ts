// One table of cases that every adapter (Express, Fastify, Koa) must pass byte for byte. Each
// adapter's test builds a small app through an AdapterFactory and hands it to runAdapterCases.
// See this package's README for how to run it against another adapter.
import { type ApiKeyContext, bearerKey, generateApiKey, type KeyStore, MemoryKeyStore } from '@keyward/core';
import type { ApiKeyGuardOptions } from '@keyward/core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';

/** What the table configures: core's guard options, plus which `onError` the harness installs. */
export interface HarnessConfig extends ApiKeyGuardOptions {
  /**
   * `'custom'`: an onError that answers 418 `{"custom":"<code>"}`. `'nothing'`: an onError that
   * neither answers nor passes the request on (as one that only logs), which must fail closed.
   * Either way the harness counts its calls in {@link Harness.onErrorRuns}.
   */
  onError?: 'custom' | 'nothing';
  /** What the `/scoped` route passes to the adapter's `requireScopes`. Default `['keys:write']`. */
  routeScopes?: string[];
}

/** A request as the table describes it; `x-forwarded-for` sets the client address (trust proxy is on). */
export interface CaseRequest {
  path: '/protected' | '/scoped' | '/public' | '/context' | '/throws';
  headers?: Record<string, string | string[]>;
}

/** What a harness hands back: the status, the headers as Node reports them, the body as text. */
export interface CaseResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An app with five routes, each counted in `handlerRuns`. Three answer 200
 * `{"apiKey":<context or null>}` with one shared handler: `/protected` behind
 * apiKeyAuth(config), `/scoped` behind it and requireScopes('keys:write'), `/public` outside
 * it. Two more, behind apiKeyAuth(config), leave the refusal to the adapter's
 * `apiKeyErrorHandler()`: `/context` answers 200 `{"apiKey":getApiKey(…)}`, `/throws` throws
 * the adapter's `new ApiKeyError('not_found')`. Trust proxy on, so `x-forwarded-for` is the
 * client address.
 */
export interface Harness {
  send(request: CaseRequest): Promise<CaseResponse>;
  /** How many times the shared route handler ran. */
  readonly handlerRuns: number;
  /** How many times the configured `onError` ran. */
  readonly onErrorRuns: number;
  close(): Promise<void>;
}

/** What a harness counts, as {@link Harness} reports it. */
export interface HarnessCounts {
  handlerRuns: number;
  onErrorRuns: number;
}

/**
 * Builds a fresh app for one row. It must reject (with the adapter's own error) when the adapter
 * refuses the config at setup, as the table's setup rows expect.
 */
export type AdapterFactory = (config: HarnessConfig) => Promise<Harness>;

/** The adapter a run of the table is about. */
export interface AdapterUnderTest {
  /** The package name every setup error of the adapter starts with, e.g. `@keyward/express`. */
  packageName: string;
  /** The framework it runs on in this run, for the test names, e.g. `Express 4`. */
  framework: string;
  createHarness: AdapterFactory;
}

/** The keys (plaintext, for the requests only) and contexts the rows use, in one memory store. */
export interface Fixture {
  store: MemoryKeyStore;
  keys: { valid: string; admin: string; inactive: string; expired: string; revoked: string; unknown: string };
  contexts: { valid: ApiKeyContext; admin: ApiKeyContext };
}

/** A store whose lookups fail, as a database that is down. */
export const throwingStore: KeyStore = {
  async findByHash(hash) {
    throw new Error(`database unreachable while looking up ${hash}`);
  },
};

/** Creates the {@link Fixture}: valid, admin, inactive, expired and revoked keys, and an unknown one. */
export async function createFixture(): Promise<Fixture> {
  const store = new MemoryKeyStore();
  const base = { tenantId: 't_1', environmentId: 'prod', userId: 'u_1' };
  const valid = await store.create({ ...base, name: 'ci', scopes: ['keys:read'] });
  const admin = await store.create({ ...base, name: 'admin', scopes: ['*'] });
  const inactive = await store.create({ ...base, name: 'off' });
  await store.update(base, inactive.apiKey.id, { active: false });
  const expired = await store.create({ ...base, name: 'old', expiresAt: new Date(Date.now() - 60_000) });
  const revoked = await store.create({ ...base, name: 'gone' });
  await store.revoke(base, revoked.apiKey.id);
  const context = (id: string, name: string, scopes: string[]): ApiKeyContext => ({
    keyId: id,
    tenantId: 't_1',
    environmentId: 'prod',
    userId: 'u_1',
    scopes,
    name,
  });
  return {
    store,
    keys: {
      valid: valid.key,
      admin: admin.key,
      inactive: inactive.key,
      expired: expired.key,
      revoked: revoked.key,
      unknown: generateApiKey(),
    },
    contexts: {
      valid: context(valid.apiKey.id, 'ci', ['keys:read']),
      admin: context(admin.apiKey.id, 'admin', ['*']),
    },
  };
}

const errorBody = (code: string, message: string) => `{"error":{"code":"${code}","message":"${message}"}}`;

/** The exact bytes every adapter must send; literal, so a drift in core shows here too. */
export const BODIES = {
  missing: errorBody('missing_api_key', 'Missing API key'),
  invalid: errorBody('invalid_api_key', 'Invalid API key'),
  duplicated: errorBody('invalid_api_key', 'More than one API key was sent'),
  inactive: errorBody('inactive_api_key', 'API key is inactive'),
  expired: errorBody('expired_api_key', 'API key has expired'),
  environment: errorBody('environment_mismatch', 'API key does not belong to this environment'),
  scope: errorBody('insufficient_scope', 'API key lacks the scope: keys:write'),
  tooMany: errorBody('too_many_requests', 'Too many failed authentication attempts'),
  unavailable: errorBody('auth_unavailable', 'Authentication is temporarily unavailable'),
  notFound: errorBody('not_found', 'Not found'),
} as const;

/** The `Content-Type` of every refusal. */
export const ERROR_CONTENT_TYPE = 'application/json; charset=utf-8';

/** One row: the config, the request (after `before`), and exactly what must come back. */
export interface AdapterCase {
  name: string;
  config?: (f: Fixture) => Partial<HarnessConfig>;
  /** Requests sent first, each expected to be refused with 401. */
  before?: (f: Fixture) => CaseRequest[];
  request: (f: Fixture) => CaseRequest;
  status: number;
  body: (f: Fixture) => string;
  handlerRuns: boolean;
  /** Whether the configured `onError` runs (once) for this request. */
  onErrorRuns?: boolean;
  retryAfter?: boolean;
}

const ok = (context: ApiKeyContext | null) => JSON.stringify({ apiKey: context });
const key = (value: string | string[], extra: Record<string, string> = {}) => ({ 'x-api-key': value, ...extra });
const fails = (n: number, address: string): CaseRequest[] =>
  Array.from({ length: n }, () => ({
    path: '/protected',
    headers: key('0'.repeat(64), { 'x-forwarded-for': address }),
  }));

/** The request rows every adapter must pass, byte for byte. */
export const ADAPTER_CASES: AdapterCase[] = [
  {
    name: 'no header',
    request: () => ({ path: '/protected' }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: false,
  },
  {
    name: 'empty header',
    request: () => ({ path: '/protected', headers: key('') }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: false,
  },
  {
    name: 'malformed key',
    request: () => ({ path: '/protected', headers: key('not-a-key') }),
    status: 401,
    body: () => BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'upper-case key',
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid.toUpperCase()) }),
    status: 401,
    body: () => BODIES.invalid,
    handlerRuns: false,
  },
  {
    // Node joins repeated header lines with ", " before any framework sees them; core reads
    // the comma (never part of a key) as more than one value.
    name: 'duplicated header',
    request: (f) => ({ path: '/protected', headers: key([f.keys.valid, f.keys.valid]) }),
    status: 401,
    body: () => BODIES.duplicated,
    handlerRuns: false,
  },
  {
    name: 'unknown key',
    request: (f) => ({ path: '/protected', headers: key(f.keys.unknown) }),
    status: 401,
    body: () => BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'inactive key',
    request: (f) => ({ path: '/protected', headers: key(f.keys.inactive) }),
    status: 403,
    body: () => BODIES.inactive,
    handlerRuns: false,
  },
  {
    name: 'expired key',
    request: (f) => ({ path: '/protected', headers: key(f.keys.expired) }),
    status: 403,
    body: () => BODIES.expired,
    handlerRuns: false,
  },
  {
    name: 'revoked key',
    request: (f) => ({ path: '/protected', headers: key(f.keys.revoked) }),
    status: 401,
    body: () => BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'wrong environment',
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-environment-id': 'staging' }) }),
    status: 403,
    body: () => BODIES.environment,
    handlerRuns: false,
  },
  {
    name: 'matching environment',
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-environment-id': 'prod' }) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'environment header turned off',
    config: () => ({ environmentHeader: false }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-environment-id': 'staging' }) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'custom environment header',
    config: () => ({ environmentHeader: 'x-env' }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-env': 'staging' }) }),
    status: 403,
    body: () => BODIES.environment,
    handlerRuns: false,
  },
  {
    name: 'missing scope (guard option)',
    config: () => ({ scopes: ['keys:write'] }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 403,
    body: () => BODIES.scope,
    handlerRuns: false,
  },
  {
    name: 'held scope (guard option)',
    config: () => ({ scopes: ['keys:read'] }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'missing scope (requireScopes)',
    request: (f) => ({ path: '/scoped', headers: key(f.keys.valid) }),
    status: 403,
    body: () => BODIES.scope,
    handlerRuns: false,
  },
  {
    name: 'wildcard scope (requireScopes)',
    request: (f) => ({ path: '/scoped', headers: key(f.keys.admin) }),
    status: 200,
    body: (f) => ok(f.contexts.admin),
    handlerRuns: true,
  },
  {
    name: 'requireScopes without a key (optional mode)',
    config: () => ({ optional: true }),
    request: () => ({ path: '/scoped' }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: false,
  },
  {
    name: 'store throwing',
    config: () => ({ store: throwingStore }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 503,
    body: () => BODIES.unavailable,
    handlerRuns: false,
  },
  {
    name: 'valid key',
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'header name in another case',
    request: (f) => ({ path: '/protected', headers: { 'X-API-KEY': f.keys.valid } }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'optional mode without a key',
    config: () => ({ optional: true }),
    request: () => ({ path: '/protected' }),
    status: 200,
    body: () => ok(null),
    handlerRuns: true,
  },
  {
    name: 'optional mode with a wrong key',
    config: () => ({ optional: true }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.unknown) }),
    status: 401,
    body: () => BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'optional mode with a valid key',
    config: () => ({ optional: true }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'opted-out route without a key',
    request: () => ({ path: '/public' }),
    status: 200,
    body: () => ok(null),
    handlerRuns: true,
  },
  {
    name: 'opted-out route with a wrong key',
    request: () => ({ path: '/public', headers: key('garbage') }),
    status: 200,
    body: () => ok(null),
    handlerRuns: true,
  },
  {
    name: '429 after the limit, even with a valid key the cache does not know yet',
    config: () => ({ failureLimit: { max: 3, windowMs: 60_000 } }),
    before: () => fails(3, '203.0.113.7'),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-forwarded-for': '203.0.113.7' }) }),
    status: 429,
    body: () => BODIES.tooMany,
    handlerRuns: false,
    retryAfter: true,
  },
  {
    name: 'another address is not slowed by the limit',
    config: () => ({ failureLimit: { max: 3, windowMs: 60_000 } }),
    before: () => fails(3, '203.0.113.7'),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-forwarded-for': '198.51.100.9' }) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'the limit is on by default (20 a minute)',
    before: () => fails(20, '203.0.113.8'),
    request: () => ({ path: '/protected', headers: { 'x-forwarded-for': '203.0.113.8' } }),
    status: 429,
    body: () => BODIES.tooMany,
    handlerRuns: false,
    retryAfter: true,
  },
  {
    name: 'failureLimit: false never answers 429',
    config: () => ({ failureLimit: false }),
    before: () => fails(25, '203.0.113.9'),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { 'x-forwarded-for': '203.0.113.9' }) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'custom header name',
    config: () => ({ header: 'X-Service-Key' }),
    request: (f) => ({ path: '/protected', headers: { 'x-service-key': f.keys.valid } }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'extractKey: bearerKey takes Authorization: Bearer <key>, the scheme in any case',
    config: () => ({ extractKey: bearerKey }),
    request: (f) => ({ path: '/protected', headers: { authorization: `bEaReR ${f.keys.valid}` } }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'extractKey: bearerKey ignores x-api-key and other schemes',
    config: () => ({ extractKey: bearerKey }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid, { authorization: `Basic ${f.keys.valid}` }) }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: false,
  },
  {
    name: 'extractKey: a malformed bearer key is refused like any other',
    config: () => ({ extractKey: bearerKey }),
    request: () => ({ path: '/protected', headers: { authorization: 'Bearer not-a-key' } }),
    status: 401,
    body: () => BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'custom header name ignores x-api-key',
    config: () => ({ header: 'x-service-key' }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: false,
  },
  {
    // getApiKey's refusal is thrown, not sent: apiKeyErrorHandler() must render it exactly as
    // the guard renders its own.
    name: 'getApiKey refuses a keyless request behind an optional guard',
    config: () => ({ optional: true }),
    request: () => ({ path: '/context' }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: true,
  },
  {
    name: 'getApiKey returns the context behind an optional guard',
    config: () => ({ optional: true }),
    request: (f) => ({ path: '/context', headers: key(f.keys.valid) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    name: 'an ApiKeyError thrown by a route',
    request: (f) => ({ path: '/throws', headers: key(f.keys.valid) }),
    status: 404,
    body: () => BODIES.notFound,
    handlerRuns: true,
  },
  {
    name: 'custom onError',
    config: () => ({ onError: 'custom' }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.inactive) }),
    status: 418,
    body: () => '{"custom":"inactive_api_key"}',
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'custom onError is not called for a valid key',
    config: () => ({ onError: 'custom' }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.valid) }),
    status: 200,
    body: (f) => ok(f.contexts.valid),
    handlerRuns: true,
  },
  {
    // An onError that only logs must not hang the request or open the route: the standard
    // refusal goes out once it has settled.
    name: 'onError does nothing',
    config: () => ({ onError: 'nothing' }),
    request: (f) => ({ path: '/protected', headers: key(f.keys.inactive) }),
    status: 403,
    body: () => BODIES.inactive,
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'onError does nothing, with no key',
    config: () => ({ onError: 'nothing' }),
    request: () => ({ path: '/protected' }),
    status: 401,
    body: () => BODIES.missing,
    handlerRuns: false,
    onErrorRuns: true,
  },
];

/** A configuration the adapter must refuse at setup, and the exact message it must give. */
export interface SetupCase {
  name: string;
  /** Given to the harness beside the fixture's store; may hold names no option has. */
  config: Record<string, unknown>;
  message: (packageName: string) => string;
}

const KNOWN_OPTIONS =
  'store, authenticator, header, extractKey, environmentHeader, cache, optional, scopes, failureLimit, onError';

/** The setup rows: configurations every adapter must refuse, with these exact messages. */
export const SETUP_CASES: SetupCase[] = [
  {
    // A typo must not turn a restriction off without a word.
    name: 'an unknown option is refused, naming the nearest one',
    config: { scope: ['admin'] },
    message: (p) => `${p}: options.scope is not an option (did you mean options.scopes?)`,
  },
  {
    name: "a misspelt onError is refused: the adapter's own options are checked too",
    config: { onErorr: () => {} },
    message: (p) => `${p}: options.onErorr is not an option (did you mean options.onError?)`,
  },
  {
    name: 'an unknown option near no other is refused, listing the known ones',
    config: { tenant: 't_1' },
    message: (p) => `${p}: options.tenant is not an option; known: ${KNOWN_OPTIONS}`,
  },
  {
    name: 'requireScopes refuses a bad scope, naming the package and the function',
    config: { routeScopes: ['two words'] },
    message: (p) => `${p}: requireScopes: scopes must be an array of non-empty scope strings`,
  },
];

/**
 * Runs every row of {@link SETUP_CASES} and {@link ADAPTER_CASES} against one adapter, each on a
 * fresh app.
 *
 * @example
 * runAdapterCases({ packageName: '@keyward/koa', framework: 'Koa 3', createHarness: koaHarness() });
 */
export function runAdapterCases(adapter: AdapterUnderTest): void {
  const { packageName, framework, createHarness } = adapter;
  describe(`${packageName} on ${framework}: setup`, () => {
    for (const row of SETUP_CASES) {
      it(row.name, async () => {
        const config = { store: new MemoryKeyStore(), ...row.config } as HarnessConfig;
        const error = await createHarness(config).then(
          async (harness) => {
            await harness.close();
            return undefined;
          },
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toBe(row.message(packageName));
      });
    }
  });

  describe(`${packageName} on ${framework}: the shared adapter cases`, () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await createFixture();
    });

    for (const row of ADAPTER_CASES) {
      it(row.name, async () => {
        const harness = await createHarness({ store: fixture.store, ...row.config?.(fixture) });
        try {
          for (const request of row.before?.(fixture) ?? []) {
            expect((await harness.send(request)).status).toBe(401);
          }
          const runsBefore = harness.handlerRuns;
          const onErrorRunsBefore = harness.onErrorRuns;
          const response = await harness.send(row.request(fixture));
          expect(response.status).toBe(row.status);
          expect(response.body).toBe(row.body(fixture));
          if (row.status === 200 || row.status === 418) {
            expect(response.headers['content-type']).toMatch(/^application\/json/);
          } else {
            expect(response.headers['content-type']).toBe(ERROR_CONTENT_TYPE);
          }
          expect(harness.handlerRuns - runsBefore).toBe(row.handlerRuns ? 1 : 0);
          expect(harness.onErrorRuns - onErrorRunsBefore).toBe(row.onErrorRuns ? 1 : 0);
          if (row.retryAfter) {
            const seconds = Number(response.headers['retry-after']);
            expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
          } else {
            expect(response.headers['retry-after']).toBeUndefined();
          }
          for (const secret of Object.values(fixture.keys)) {
            expect(response.body).not.toContain(secret);
            expect(JSON.stringify(response.headers)).not.toContain(secret);
          }
        } finally {
          await harness.close();
        }
      });
    }
  });
}
