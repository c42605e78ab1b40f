import { DEV_API_KEY } from '@keyward/core';
import { MockAgent } from 'undici';
import { afterEach } from 'vitest';
import { createClient, type KeywardClient } from '../src/client.js';
import type { ClientOptions, PortalClientOptions } from '../src/client-options.js';
import { isKeywardError, type KeywardError } from '../src/errors.js';
import { createPortalClient, type PortalClient } from '../src/portal-client.js';

export const ORIGIN = 'http://127.0.0.1:3000';
export const KEY = DEV_API_KEY;
/** A portal session token of the right form (`kws_` and 43 base64url characters). */
export const TOKEN = `kws_${'Tok3n-_'.repeat(6)}x`;
/** A webhook secret of the right form, as the server shows it once. */
export const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** What `POST /v1/portal/sessions` answers. */
export const WIRE_CREATED_SESSION = {
  token: TOKEN,
  session_id: 'ses_0123456789abcdef01234567',
  expires_at: '2030-01-01T01:00:00.000Z',
};

/** What `GET /v1/portal/me` answers, and the same as the portal client returns it. */
export const WIRE_PORTAL_SESSION = {
  session_id: 'ses_0123456789abcdef01234567',
  customer_id: 'cus_42',
  tenant_id: 'tenant_dev',
  environment_id: 'env_dev',
  expires_at: '2030-01-01T01:00:00.000Z',
};
export const CAMEL_PORTAL_SESSION = {
  sessionId: 'ses_0123456789abcdef01234567',
  customerId: 'cus_42',
  tenantId: 'tenant_dev',
  environmentId: 'env_dev',
  expiresAt: '2030-01-01T01:00:00.000Z',
};

/** A webhook endpoint as the server lists it, and as the client returns it. */
export const WIRE_ENDPOINT = {
  id: 'whe_0123456789abcdef01234567',
  name: 'billing',
  tolerance_seconds: 300,
  created_at: '2029-12-01T00:00:00.000Z',
};
export const CAMEL_ENDPOINT = {
  id: 'whe_0123456789abcdef01234567',
  name: 'billing',
  toleranceSeconds: 300,
  createdAt: '2029-12-01T00:00:00.000Z',
};

/** A delivery as the server lists it, and as the client returns it. */
export const WIRE_DELIVERY = {
  webhook_id: 'msg_1',
  endpoint_id: WIRE_ENDPOINT.id,
  event_type: 'invoice.paid',
  received_at: '2030-01-01T00:00:00.000Z',
  size: 42,
};
export const CAMEL_DELIVERY = {
  webhookId: 'msg_1',
  endpointId: WIRE_ENDPOINT.id,
  eventType: 'invoice.paid',
  receivedAt: '2030-01-01T00:00:00.000Z',
  size: 42,
};

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
  const server = mockServer();
  const client: KeywardClient = createClient({
    apiKey: KEY,
    dispatcher: server.agent,
    ...options,
    backoff: { ...server.backoff, ...options.backoff },
  });
  return { ...server, client };
}

/** Like {@link setup}, with a portal client that sends {@link TOKEN}. */
export function setupPortal(options: Partial<PortalClientOptions> = {}) {
  const server = mockServer();
  const portal: PortalClient = createPortalClient({
    token: TOKEN,
    dispatcher: server.agent,
    ...options,
    backoff: { ...server.backoff, ...options.backoff },
  });
  return { ...server, portal };
}

/** The MockAgent, its pool, what it saw, and a backoff whose sleeps are recorded instead of waited. */
function mockServer() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const sleeps: number[] = [];
  const seen: Seen[] = [];
  const backoff = {
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };

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

  return { agent, pool, sleeps, seen, reply, backoff };
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
export function trackAgents(): <T extends { agent: MockAgent }>(env: T) => T {
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
