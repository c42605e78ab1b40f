// One table of portal session cases that every adapter (Express, Fastify, Koa) must pass byte
// for byte, beside the API key table of adapter-cases.ts. See this package's README.
import {
  type ApiKeyContext,
  generateSessionToken,
  type KeyStore,
  MemoryKeyStore,
  MemorySessionStore,
  type PortalSession,
  type SessionStore,
} from '@keyward/core';
import type { SessionGuardOptions } from '@keyward/core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';
import { BODIES, type CaseResponse, ERROR_CONTENT_TYPE } from './adapter-cases.js';
import type { ServedHarness } from './serve-harness.js';

/** What the session table configures: core's session guard options, the `onError` to install, the key store. */
export interface SessionHarnessConfig extends SessionGuardOptions {
  /** As in the API key table: `'custom'` answers 418 `{"custom":"<code>"}`, `'nothing'` only counts. */
  onError?: 'custom' | 'nothing';
  /** The key store of the `/keys` route's `apiKeyAuth`, to prove keys and tokens never stand in for each other. */
  keyStore: KeyStore;
}

/** A request of the session table. */
export interface SessionCaseRequest {
  path: '/portal' | '/portal/context' | '/keys';
  headers?: Record<string, string | string[]>;
}

/**
 * An app with three routes, each counted in `handlerRuns`: `/portal` behind
 * `sessionAuth(config)` answers 200 `{"portalSession":<session or null>}`; `/portal/context`
 * behind it answers 200 `{"portalSession":getPortalSession(…)}`, its refusal rendered by the
 * adapter's `apiKeyErrorHandler()`; `/keys` behind `apiKeyAuth({ store: config.keyStore,
 * failureLimit: false })` answers 200 `{"apiKey":<context>}`. Trust proxy on, so
 * `x-forwarded-for` is the client address.
 */
export interface SessionHarness {
  send(request: SessionCaseRequest): Promise<CaseResponse>;
  readonly handlerRuns: number;
  readonly onErrorRuns: number;
  close(): Promise<void>;
}

/** Builds a fresh session app for one row; rejects with the adapter's error when it refuses the config. */
export type SessionAdapterFactory = (config: SessionHarnessConfig) => Promise<SessionHarness | ServedHarness>;

/** The adapter a run of the session table is about. */
export interface SessionAdapterUnderTest {
  /** Starts every setup error, e.g. `@keyward/express`. */
  packageName: string;
  /** For the test names, e.g. `Koa 2`. */
  framework: string;
  createSessionHarness: SessionAdapterFactory;
}

/** The session tokens (plaintext, for the requests only), a key, and the valid token's session. */
export interface SessionFixture {
  sessions: MemorySessionStore;
  keyStore: MemoryKeyStore;
  tokens: { valid: string; revoked: string; expired: string; unknown: string };
  /** A valid API key of `keyStore`, and the context `apiKeyAuth` attaches for it. */
  key: string;
  apiKey: ApiKeyContext;
  /** What `sessionAuth` attaches for `tokens.valid`. */
  session: PortalSession;
}

/** A session store whose lookups fail, as a database that is down. */
export const throwingSessionStore: SessionStore = {
  async findSessionByHash(hash) {
    throw new Error(`database unreachable while looking up ${hash}`);
  },
};

/** Creates the {@link SessionFixture}: a valid, a revoked and an expired session, an unknown token, a key. */
export async function createSessionFixture(): Promise<SessionFixture> {
  // The expired session is made two hours back on the store's clock, which then returns to now.
  let offsetMs = -2 * 3600 * 1000;
  const sessions = new MemorySessionStore({ now: () => new Date(Date.now() + offsetMs) });
  const scope = { tenantId: 't_1', environmentId: 'prod' };
  const expired = await sessions.createSession({ ...scope, customerId: 'cus_old', ttlSeconds: 60 });
  offsetMs = 0;
  const valid = await sessions.createSession({ ...scope, customerId: 'cus_1' });
  const revoked = await sessions.createSession({ ...scope, customerId: 'cus_gone' });
  await sessions.revokeSession(scope, revoked.session.id);
  const keyStore = new MemoryKeyStore();
  const { key, apiKey } = await keyStore.create({ ...scope, userId: 'u_1', name: 'ci', scopes: ['keys:read'] });
  return {
    sessions,
    keyStore,
    tokens: { valid: valid.token, revoked: revoked.token, expired: expired.token, unknown: generateSessionToken() },
    key,
    apiKey: {
      keyId: apiKey.id,
      tenantId: 't_1',
      environmentId: 'prod',
      userId: 'u_1',
      scopes: ['keys:read'],
      name: 'ci',
    },
    session: {
      sessionId: valid.session.id,
      customerId: 'cus_1',
      tenantId: 't_1',
      environmentId: 'prod',
      expiresAt: valid.session.expiresAt,
    },
  };
}

const errorBody = (code: string, message: string) => `{"error":{"code":"${code}","message":"${message}"}}`;

/** The exact bytes every adapter must send for sessions; literal, so a drift in core shows here. */
export const SESSION_BODIES = {
  missing: errorBody('missing_session_token', 'Missing session token'),
  invalid: errorBody('invalid_session_token', 'Invalid session token'),
  expired: errorBody('expired_session_token', 'Session token has expired'),
  unavailable: BODIES.unavailable,
  tooMany: BODIES.tooMany,
  missingApiKey: BODIES.missing,
  invalidApiKey: BODIES.invalid,
} as const;

/** One row of the session table, as {@link AdapterCase} is for keys. */
export interface SessionCase {
  name: string;
  config?: (f: SessionFixture) => Partial<Omit<SessionHarnessConfig, 'keyStore'>>;
  /** Requests sent first, each expected to be refused with 401. */
  before?: (f: SessionFixture) => SessionCaseRequest[];
  request: (f: SessionFixture) => SessionCaseRequest;
  status: number;
  body: (f: SessionFixture) => string;
  handlerRuns: boolean;
  onErrorRuns?: boolean;
  retryAfter?: boolean;
}

const session = (portalSession: PortalSession | null) => JSON.stringify({ portalSession });
const token = (value: string | string[], extra: Record<string, string> = {}) => ({
  'x-session-token': value,
  ...extra,
});

/** The request rows every adapter must pass for portal sessions, byte for byte. */
export const SESSION_CASES: SessionCase[] = [
  {
    name: 'no token',
    request: () => ({ path: '/portal' }),
    status: 401,
    body: () => SESSION_BODIES.missing,
    handlerRuns: false,
  },
  {
    name: 'empty token header',
    request: () => ({ path: '/portal', headers: token('') }),
    status: 401,
    body: () => SESSION_BODIES.missing,
    handlerRuns: false,
  },
  {
    name: 'malformed token',
    request: () => ({ path: '/portal', headers: token('not-a-token') }),
    status: 401,
    body: () => SESSION_BODIES.invalid,
    handlerRuns: false,
  },
  {
    // Core keeps the formats disjoint: a key is refused as a token before any lookup.
    name: 'an API key as the token',
    request: (f) => ({ path: '/portal', headers: token(f.key) }),
    status: 401,
    body: () => SESSION_BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'unknown token',
    request: (f) => ({ path: '/portal', headers: token(f.tokens.unknown) }),
    status: 401,
    body: () => SESSION_BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'revoked token',
    request: (f) => ({ path: '/portal', headers: token(f.tokens.revoked) }),
    status: 401,
    body: () => SESSION_BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'expired token',
    request: (f) => ({ path: '/portal', headers: token(f.tokens.expired) }),
    status: 401,
    body: () => SESSION_BODIES.expired,
    handlerRuns: false,
  },
  {
    name: 'the token sent twice',
    request: (f) => ({ path: '/portal', headers: token([f.tokens.valid, f.tokens.valid]) }),
    status: 401,
    body: () => SESSION_BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'valid token',
    request: (f) => ({ path: '/portal', headers: token(f.tokens.valid) }),
    status: 200,
    body: (f) => session(f.session),
    handlerRuns: true,
  },
  {
    name: 'header name in another case',
    request: (f) => ({ path: '/portal', headers: { 'X-SESSION-TOKEN': f.tokens.valid } }),
    status: 200,
    body: (f) => session(f.session),
    handlerRuns: true,
  },
  {
    name: 'store throwing',
    config: () => ({ store: throwingSessionStore }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.valid) }),
    status: 503,
    body: () => SESSION_BODIES.unavailable,
    handlerRuns: false,
  },
  {
    name: 'optional mode without a token',
    config: () => ({ optional: true }),
    request: () => ({ path: '/portal' }),
    status: 200,
    body: () => session(null),
    handlerRuns: true,
  },
  {
    name: 'optional mode with a wrong token',
    config: () => ({ optional: true }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.unknown) }),
    status: 401,
    body: () => SESSION_BODIES.invalid,
    handlerRuns: false,
  },
  {
    name: 'optional mode with an expired token',
    config: () => ({ optional: true }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.expired) }),
    status: 401,
    body: () => SESSION_BODIES.expired,
    handlerRuns: false,
  },
  {
    name: 'optional mode with a valid token',
    config: () => ({ optional: true }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.valid) }),
    status: 200,
    body: (f) => session(f.session),
    handlerRuns: true,
  },
  {
    name: 'custom header name',
    config: () => ({ header: 'X-Portal-Token' }),
    request: (f) => ({ path: '/portal', headers: { 'x-portal-token': f.tokens.valid } }),
    status: 200,
    body: (f) => session(f.session),
    handlerRuns: true,
  },
  {
    name: 'custom header name ignores x-session-token',
    config: () => ({ header: 'x-portal-token' }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.valid) }),
    status: 401,
    body: () => SESSION_BODIES.missing,
    handlerRuns: false,
  },
  {
    name: '429 after the limit, even with a valid token',
    config: () => ({ failureLimit: { max: 3, windowMs: 60_000 } }),
    before: () =>
      Array.from({ length: 3 }, () => ({
        path: '/portal' as const,
        headers: token('kws_wrong', { 'x-forwarded-for': '203.0.113.7' }),
      })),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.valid, { 'x-forwarded-for': '203.0.113.7' }) }),
    status: 429,
    body: () => SESSION_BODIES.tooMany,
    handlerRuns: false,
    retryAfter: true,
  },
  {
    // Thrown, not sent: apiKeyErrorHandler() must render it as the guard renders its own.
    name: 'getPortalSession refuses a tokenless request behind an optional guard',
    config: () => ({ optional: true }),
    request: () => ({ path: '/portal/context' }),
    status: 401,
    body: () => SESSION_BODIES.missing,
    handlerRuns: true,
  },
  {
    name: 'getPortalSession returns the session',
    request: (f) => ({ path: '/portal/context', headers: token(f.tokens.valid) }),
    status: 200,
    body: (f) => session(f.session),
    handlerRuns: true,
  },
  {
    name: 'custom onError',
    config: () => ({ onError: 'custom' }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.revoked) }),
    status: 418,
    body: () => '{"custom":"invalid_session_token"}',
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'custom onError is not called for a valid token',
    config: () => ({ onError: 'custom' }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.valid) }),
    status: 200,
    body: (f) => session(f.session),
    handlerRuns: true,
  },
  {
    // An onError that only logs must not hang the request or open the route.
    name: 'onError does nothing',
    config: () => ({ onError: 'nothing' }),
    request: (f) => ({ path: '/portal', headers: token(f.tokens.expired) }),
    status: 401,
    body: () => SESSION_BODIES.expired,
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'onError does nothing, with no token',
    config: () => ({ onError: 'nothing' }),
    request: () => ({ path: '/portal' }),
    status: 401,
    body: () => SESSION_BODIES.missing,
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'an API key on the apiKeyAuth route',
    request: (f) => ({ path: '/keys', headers: { 'x-api-key': f.key } }),
    status: 200,
    body: (f) => JSON.stringify({ apiKey: f.apiKey }),
    handlerRuns: true,
  },
  {
    // The reverse of 'an API key as the token': a token is never an API key.
    name: 'a session token sent as X-API-Key to an apiKeyAuth route',
    request: (f) => ({ path: '/keys', headers: { 'x-api-key': f.tokens.valid } }),
    status: 401,
    body: () => SESSION_BODIES.invalidApiKey,
    handlerRuns: false,
  },
  {
    name: 'a session token in its own header on an apiKeyAuth route',
    request: (f) => ({ path: '/keys', headers: token(f.tokens.valid) }),
    status: 401,
    body: () => SESSION_BODIES.missingApiKey,
    handlerRuns: false,
  },
];

/** A session configuration the adapter must refuse at setup, with the exact message. */
export interface SessionSetupCase {
  name: string;
  config: Record<string, unknown>;
  message: (packageName: string) => string;
}

const KNOWN_SESSION_OPTIONS = 'store, authenticator, header, cache, optional, failureLimit, onError';

/** The session setup rows: configurations every adapter's `sessionAuth` must refuse, with these messages. */
export const SESSION_SETUP_CASES: SessionSetupCase[] = [
  {
    name: 'an unknown option is refused, naming the nearest one',
    config: { optinal: true },
    message: (p) => `${p}: sessionAuth: options.optinal is not an option (did you mean options.optional?)`,
  },
  {
    // `scopes` belongs to API keys: a session holds none, so asking for one must not pass quietly.
    name: 'an API key option is refused, listing the known ones',
    config: { scopes: ['admin'] },
    message: (p) => `${p}: sessionAuth: options.scopes is not an option; known: ${KNOWN_SESSION_OPTIONS}`,
  },
  {
    name: "a misspelt onError is refused: the adapter's own options are checked too",
    config: { onErorr: () => {} },
    message: (p) => `${p}: sessionAuth: options.onErorr is not an option (did you mean options.onError?)`,
  },
  {
    name: 'a store that is not a session store is refused',
    config: { store: new MemoryKeyStore() },
    message: (p) => `${p}: sessionAuth: options.store must be a SessionStore (an object with findSessionByHash(hash))`,
  },
];

/** The secrets a response of the session table must never show. */
function secretsOf(f: SessionFixture): string[] {
  return [...Object.values(f.tokens), f.key];
}

/**
 * Runs every row of {@link SESSION_SETUP_CASES} and {@link SESSION_CASES} against one adapter,
 * each on a fresh app.
 *
 * @example
 * runSessionCases({ packageName: '@keyward/koa', framework: 'Koa 3', createSessionHarness: koaSessionHarness() });
 */
export function runSessionCases(adapter: SessionAdapterUnderTest): void {
  const { packageName, framework, createSessionHarness } = adapter;
  describe(`${packageName} on ${framework}: session setup`, () => {
    for (const row of SESSION_SETUP_CASES) {
      it(row.name, async () => {
        const config = {
          store: new MemorySessionStore(),
          keyStore: new MemoryKeyStore(),
          ...row.config,
        } as SessionHarnessConfig;
        const error = await createSessionHarness(config).then(
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

  describe(`${packageName} on ${framework}: the shared session cases`, () => {
    let fixture: SessionFixture;
    beforeAll(async () => {
      fixture = await createSessionFixture();
    });

    for (const row of SESSION_CASES) {
      it(row.name, async () => {
        const harness = await createSessionHarness({
          store: fixture.sessions,
          keyStore: fixture.keyStore,
          ...row.config?.(fixture),
        });
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
          for (const secret of secretsOf(fixture)) {
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
