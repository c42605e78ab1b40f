import { DEV_API_KEY } from '@keyward/core';
import { MockAgent } from 'undici';
import { afterEach } from 'vitest';
import { createClient, type KeywardClient } from '../src/client.js';
import type { ClientOptions } from '../src/client-options.js';
import { isKeywardError, type KeywardError } from '../src/errors.js';

export const ORIGIN = 'http://127.0.0.1:3000';
export const KEY = DEV_API_KEY;

/** A wire ApiKey (snake_case), as the reference server sends it. */
export const WIRE_KEY = {
  id: 'key_0123456789abcdef01234567',
  name: 'ci',
  type: 'private_key',
  provider: 'keyward',
  display_id: '6b6579***f1',
  status: 'active',
  scopes: ['keys:read'],
  tenant_id: 'tenant_dev',
  environment_id: 'env_dev',
  user_id: null,
  user_type: null,
  roles: ['keys:read'],
  expires_at: null,
  last_used_at: '2030-01-01T00:00:00.000Z',
  created_at: '2029-12-01T00:00:00.000Z',
  updated_at: '2029-12-02T00:00:00.000Z',
};

/** The same record as the client returns it. */
export const CAMEL_KEY = {
  id: WIRE_KEY.id,
  name: 'ci',
  type: 'private_key',
  provider: 'keyward',
  displayId: '6b6579***f1',
  status: 'active',
  scopes: ['keys:read'],
  tenantId: 'tenant_dev',
  environmentId: 'env_dev',
  userId: null,
  userType: null,
  roles: ['keys:read'],
  expiresAt: null,
  lastUsedAt: '2030-01-01T00:00:00.000Z',
  createdAt: '2029-12-01T00:00:00.000Z',
  updatedAt: '2029-12-02T00:00:00.000Z',
};

export const JSON_HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_test' };

/** A request as the mock saw it. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A MockAgent with the network off, a pool for the default origin, a list of the requests it
 * saw, and a client on it whose sleeps are recorded instead of waited.
 */
export function setup(options: ClientOptions = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const sleeps: number[] = [];
  const seen: Seen[] = [];
  const client: KeywardClient = createClient({
    apiKey: KEY,
    dispatcher: agent,
    ...options,
    backoff: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...options.backoff,
    },
  });

  /** Answers the next `times` requests to `path` with `status` and `body`, recording each. */
  function reply(
    method: string,
    path: string,
    status: number,
    body: unknown = undefined,
    headers: Record<string, string> = JSON_HEADERS,
    times = 1,
  ) {
    pool
      .intercept({ method, path })
      .reply((opts) => {
        seen.push({
          method: opts.method,
          path: opts.path,
          headers: { ...(opts.headers as Record<string, string>) },
          body: typeof opts.body === 'string' ? opts.body : undefined,
        });
        const data = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
        return { statusCode: status, data, responseOptions: { headers } };
      })
      .times(times);
  }

  return { agent, pool, client, sleeps, seen, reply };
}

/** The wire error body every keyward error answers with. */
export function errorBody(code: string, message = 'something') {
  return { error: { code, message } };
}

/** The KeywardError `promise` rejects with; throws when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<KeywardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKeywardError(err)) throw new Error(`expected a KeywardError, got ${String(err)}`);
  return err;
}

/**
 * Returns `track(env)`, which registers a {@link setup} environment's MockAgent to be closed
 * after each test and checked for interceptors that no request used.
 */
export function trackAgents(): <T extends ReturnType<typeof setup>>(env: T) => T {
  let agents: { assertNoPendingInterceptors(): void; close(): Promise<void> }[] = [];
  afterEach(async () => {
    // Taken first, so that one failing test does not fail every later one's afterEach.
    const current = agents;
    agents = [];
    for (const agent of current) await agent.close();
    for (const agent of current) agent.assertNoPendingInterceptors();
  });
  return (env) => {
    agents.push(env.agent);
    return env;
  };
}
