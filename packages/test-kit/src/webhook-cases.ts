// One table of signed webhook cases that every adapter (Express, Fastify, Koa) must pass byte
// for byte, beside the API key table of adapter-cases.ts. See this package's README.
import { generateWebhookKeyPair, generateWebhookSecret, signWebhook } from '@keyward/core';
import type { WebhookEndpointSecrets } from '@keyward/core/adapter';
import { describe, expect, it } from 'vitest';
import { BODIES, type CaseResponse, ERROR_CONTENT_TYPE } from './adapter-cases.js';
import type { ServedHarness } from './serve-harness.js';

/**
 * What the webhook table configures. The harness mounts the adapter's webhook middleware twice,
 * each with `{ ...options, secrets, onError }`: on `/webhooks/static` with `secrets` as given, and
 * on `/webhooks/endpoints/:id` with a `secrets` function that answers `lookup(id)`.
 */
export interface WebhookHarnessConfig {
  /** The secrets of `/webhooks/static`. */
  secrets: string[];
  /** What the `secrets` function of `/webhooks/endpoints/:id` resolves to (or throws) for `id`. */
  lookup: (endpointId: string) => Promise<WebhookEndpointSecrets | null>;
  /** As in the API key table: `'custom'` answers 418 `{"custom":"<code>"}`, `'nothing'` only counts. */
  onError?: 'custom' | 'nothing';
  /** Given to both middleware as they are: `toleranceSeconds`, `limit`, or names the adapter must refuse. */
  options?: Record<string, unknown>;
}

/** A request of the webhook table: always a POST with the exact bytes of `body`. */
export interface WebhookCaseRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

/**
 * An app with three POST routes: `/webhooks/static` and `/webhooks/endpoints/:id` (above), whose
 * handler, counted in `handlerRuns`, answers 200
 * `{"webhook":{"id":…,"timestamp":…,"payload":"<the payload's bytes in base64>"}}` in that key
 * order; and `/json`, outside them, which parses JSON the app's ordinary way and answers 200
 * `{"json":<the parsed body>}`. The adapter's `apiKeyErrorHandler()` is installed.
 */
export interface WebhookHarness {
  send(request: WebhookCaseRequest): Promise<CaseResponse>;
  readonly handlerRuns: number;
  readonly onErrorRuns: number;
  close(): Promise<void>;
}

/** Builds a fresh webhook app for one row; rejects with the adapter's error when it refuses the config. */
export type WebhookAdapterFactory = (config: WebhookHarnessConfig) => Promise<WebhookHarness | ServedHarness>;

/** The adapter a run of the webhook table is about. */
export interface WebhookAdapterUnderTest {
  /** Starts every setup error, e.g. `@keyward/express`. */
  packageName: string;
  /** The adapter's webhook function, the second part of every setup error: `verifyWebhooks`, `webhookAuth`. */
  functionName: string;
  /** For the test names, e.g. `Express 4`. */
  framework: string;
  createWebhookHarness: WebhookAdapterFactory;
}

/** The secrets the rows sign and verify with. */
export interface WebhookFixture {
  /** `whsec_` secrets: the endpoint's current one, the one it replaced (a rotation), and a stranger's. */
  secrets: { current: string; previous: string; wrong: string };
  /** An ed25519 pair: the sender signs `v1a` with `secretKey`, the receiver holds `publicKey`. */
  keyPair: { secretKey: string; publicKey: string };
}

/** Creates the {@link WebhookFixture}. */
export function createWebhookFixture(): WebhookFixture {
  return {
    secrets: { current: generateWebhookSecret(), previous: generateWebhookSecret(), wrong: generateWebhookSecret() },
    keyPair: generateWebhookKeyPair(),
  };
}

/** The body limit of the rows that set one. */
export const SMALL_LIMIT = 64;

/**
 * The endpoints `/webhooks/endpoints/:id` knows: `ep_1` (the current secret), `rotating` (the
 * current and the previous one), `lenient` (its own tolerance of 900 s), `down` (the lookup
 * throws); any other id is unknown (`null`).
 */
export function endpointLookup(f: WebhookFixture): (id: string) => Promise<WebhookEndpointSecrets | null> {
  return async (id) => {
    if (id === 'down') throw new Error('database unreachable');
    if (id === 'ep_1') return { secrets: [f.secrets.current] };
    if (id === 'rotating') return { secrets: [f.secrets.current, f.secrets.previous] };
    if (id === 'lenient') return { secrets: [f.secrets.current], toleranceSeconds: 900 };
    return null;
  };
}

const errorBody = (code: string, message: string) => `{"error":{"code":"${code}","message":"${message}"}}`;
const invalidSignature = (message: string) => errorBody('invalid_signature', message);

/** The exact bytes every adapter must send for webhooks; the messages are core's `verifyWebhook`'s. */
export const WEBHOOK_BODIES = {
  noMatch: invalidSignature('No webhook signature matches the endpoint secret'),
  timestamp: invalidSignature('The webhook-timestamp is too far from the current time'),
  missingHeaders: invalidSignature('Missing webhook-id, webhook-timestamp or webhook-signature header'),
  notSeconds: invalidSignature('The webhook-timestamp header is not Unix seconds'),
  badId: invalidSignature('The webhook-id header is malformed'),
  noSecrets: invalidSignature('No valid webhook secret is configured for this endpoint'),
  signatureTooLong: invalidSignature('The webhook-signature header is too long'),
  notFound: BODIES.notFound,
  unavailable: BODIES.unavailable,
  tooLarge: errorBody('payload_too_large', 'Request body is too large'),
} as const;

/** How one row signs its request. */
export interface SignedRequestInput {
  path?: string;
  body?: string | Buffer;
  /** One secret, or several (a sender during a rotation). Default: the current secret. */
  secret?: string | string[];
  /** Default: now. */
  timestamp?: Date;
  contentType?: string;
  id?: string;
  /** Replaces the body after signing, as an attacker would. */
  tamperedBody?: string | Buffer;
}

/** A JSON event, as a sender would post it. */
export const EVENT = '{"type":"invoice.paid","data":{"id":"in_1","amount":4200}}';

/** A request signed the Standard Webhooks way with `input.secret` (default: the current one). */
export function signedRequest(f: WebhookFixture, input: SignedRequestInput = {}): WebhookCaseRequest {
  const { path = '/webhooks/static', body = EVENT, contentType = 'application/json', id = 'msg_2f8a1c' } = input;
  const headers = signWebhook({
    id,
    payload: typeof body === 'string' ? body : new Uint8Array(body),
    secret: input.secret ?? f.secrets.current,
    ...(input.timestamp === undefined ? {} : { timestamp: input.timestamp }),
  });
  return {
    method: 'POST',
    path,
    headers: { ...headers, 'content-type': contentType },
    body: input.tamperedBody ?? body,
  };
}

/** What the webhook route answers for an accepted request: its id, timestamp and exact bytes. */
export function acceptedBody(request: WebhookCaseRequest): string {
  return JSON.stringify({
    webhook: {
      id: request.headers['webhook-id'],
      timestamp: Number(request.headers['webhook-timestamp']),
      payload: Buffer.from(request.body).toString('base64'),
    },
  });
}

/** One row of the webhook table. */
export interface WebhookCase {
  name: string;
  config?: (f: WebhookFixture) => Partial<Omit<WebhookHarnessConfig, 'lookup'>>;
  request: (f: WebhookFixture) => WebhookCaseRequest;
  status: number;
  /** The exact body; for an accepted request, {@link acceptedBody} of the request. */
  body: (request: WebhookCaseRequest) => string;
  handlerRuns: boolean;
  onErrorRuns?: boolean;
  /** How often the endpoint lookup runs. Default: once on `/webhooks/endpoints/…`, never elsewhere. */
  lookupRuns?: number;
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const bytes = (n: number, fill = 0x61) => Buffer.alloc(n, fill);

/** The request rows every adapter must pass for webhooks, byte for byte. */
export const WEBHOOK_CASES: WebhookCase[] = [
  {
    name: 'valid v1 signature',
    request: (f) => signedRequest(f),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'valid v1a (ed25519) signature, verified with the public key',
    request: (f) => signedRequest(f, { secret: f.keyPair.secretKey }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    // Re-serialising would change these bytes: the signature covers them exactly as sent.
    name: 'JSON as sent, spacing and key order kept',
    request: (f) => signedRequest(f, { body: '{ "b" : 1,\n  "a":[ 2 ] }\n' }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'any content type, binary bytes included',
    request: (f) =>
      signedRequest(f, { body: Buffer.from([0, 255, 10, 13, 0xc3, 0x28]), contentType: 'application/octet-stream' }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'a form-encoded body is not parsed either',
    request: (f) => signedRequest(f, { body: 'a=1&b=%20', contentType: 'application/x-www-form-urlencoded' }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'an empty body',
    request: (f) => signedRequest(f, { body: '' }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'tampered body',
    request: (f) => signedRequest(f, { tamperedBody: EVENT.replace('4200', '1') }),
    status: 401,
    body: () => WEBHOOK_BODIES.noMatch,
    handlerRuns: false,
  },
  {
    name: 'a byte appended to the body',
    request: (f) => signedRequest(f, { tamperedBody: `${EVENT} ` }),
    status: 401,
    body: () => WEBHOOK_BODIES.noMatch,
    handlerRuns: false,
  },
  {
    name: 'wrong secret',
    request: (f) => signedRequest(f, { secret: f.secrets.wrong }),
    status: 401,
    body: () => WEBHOOK_BODIES.noMatch,
    handlerRuns: false,
  },
  {
    name: 'old timestamp (ten minutes ago)',
    request: (f) => signedRequest(f, { timestamp: minutes(-10) }),
    status: 401,
    body: () => WEBHOOK_BODIES.timestamp,
    handlerRuns: false,
  },
  {
    name: 'future timestamp (ten minutes ahead)',
    request: (f) => signedRequest(f, { timestamp: minutes(10) }),
    status: 401,
    body: () => WEBHOOK_BODIES.timestamp,
    handlerRuns: false,
  },
  {
    name: 'toleranceSeconds widens the window',
    config: () => ({ options: { toleranceSeconds: 900 } }),
    request: (f) => signedRequest(f, { timestamp: minutes(-10) }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'missing headers',
    request: () => ({
      method: 'POST',
      path: '/webhooks/static',
      headers: { 'content-type': 'application/json' },
      body: EVENT,
    }),
    status: 401,
    body: () => WEBHOOK_BODIES.missingHeaders,
    handlerRuns: false,
  },
  {
    name: 'missing webhook-signature only',
    request: (f) => {
      const request = signedRequest(f);
      const { 'webhook-signature': _signature, ...headers } = request.headers;
      return { ...request, headers };
    },
    status: 401,
    body: () => WEBHOOK_BODIES.missingHeaders,
    handlerRuns: false,
  },
  {
    name: 'a timestamp that is not Unix seconds',
    request: (f) => {
      const request = signedRequest(f);
      return { ...request, headers: { ...request.headers, 'webhook-timestamp': new Date().toISOString() } };
    },
    status: 401,
    body: () => WEBHOOK_BODIES.notSeconds,
    handlerRuns: false,
  },
  {
    name: 'a signature of another version only',
    request: (f) => {
      const request = signedRequest(f);
      const signature = request.headers['webhook-signature']?.replace(/^v1,/, 'v2,') ?? '';
      return { ...request, headers: { ...request.headers, 'webhook-signature': signature } };
    },
    status: 401,
    body: () => WEBHOOK_BODIES.noMatch,
    handlerRuns: false,
  },
  {
    name: 'the endpoint lookup finds the endpoint',
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/ep_1' }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'rotation: the previous secret still verifies',
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/rotating', secret: f.secrets.previous }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'rotation: the new secret verifies',
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/rotating', secret: f.secrets.current }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'rotation: a sender signing with both secrets',
    request: (f) =>
      signedRequest(f, { path: '/webhooks/endpoints/rotating', secret: [f.secrets.current, f.secrets.previous] }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'after the rotation ends, the previous secret is refused',
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/ep_1', secret: f.secrets.previous }),
    status: 401,
    body: () => WEBHOOK_BODIES.noMatch,
    handlerRuns: false,
  },
  {
    name: "the endpoint's own tolerance",
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/lenient', timestamp: minutes(-10) }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'the secrets function returning null is 404',
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/whe_unknown' }),
    status: 404,
    body: () => WEBHOOK_BODIES.notFound,
    handlerRuns: false,
  },
  {
    name: 'the secrets function throwing is 503 (fail closed)',
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/down' }),
    status: 503,
    body: () => WEBHOOK_BODIES.unavailable,
    handlerRuns: false,
  },
  {
    name: 'a body at the limit is accepted',
    config: () => ({ options: { limit: SMALL_LIMIT } }),
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/ep_1', body: bytes(SMALL_LIMIT) }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    // 413 before the lookup and before any HMAC: a flood of large bodies costs no crypto.
    name: 'oversized: 413, the handler and the lookup never ran',
    config: () => ({ options: { limit: SMALL_LIMIT } }),
    request: (f) => signedRequest(f, { path: '/webhooks/endpoints/ep_1', body: bytes(SMALL_LIMIT + 1) }),
    status: 413,
    body: () => WEBHOOK_BODIES.tooLarge,
    handlerRuns: false,
    lookupRuns: 0,
  },
  {
    name: 'oversized with a bad signature is still 413',
    config: () => ({ options: { limit: SMALL_LIMIT } }),
    request: () => ({
      method: 'POST',
      path: '/webhooks/static',
      headers: { 'content-type': 'text/plain' },
      body: bytes(SMALL_LIMIT * 4),
    }),
    status: 413,
    body: () => WEBHOOK_BODIES.tooLarge,
    handlerRuns: false,
  },
  {
    name: 'the default limit is 1 MiB: one byte more is 413',
    request: (f) => signedRequest(f, { body: bytes(1024 * 1024 + 1), contentType: 'text/plain' }),
    status: 413,
    body: () => WEBHOOK_BODIES.tooLarge,
    handlerRuns: false,
  },
  {
    name: 'the default limit is 1 MiB: exactly 1 MiB is accepted',
    request: (f) => signedRequest(f, { body: bytes(1024 * 1024, 0x7b), contentType: 'text/plain' }),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    name: 'a JSON route elsewhere keeps its parser',
    request: () => ({
      method: 'POST',
      path: '/json',
      headers: { 'content-type': 'application/json' },
      body: '{ "a" : [1, 2] }',
    }),
    status: 200,
    body: () => '{"json":{"a":[1,2]}}',
    handlerRuns: false,
  },
  {
    name: 'custom onError',
    config: () => ({ onError: 'custom' }),
    request: (f) => signedRequest(f, { secret: f.secrets.wrong }),
    status: 418,
    body: () => '{"custom":"invalid_signature"}',
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'custom onError is not called for a valid signature',
    config: () => ({ onError: 'custom' }),
    request: (f) => signedRequest(f),
    status: 200,
    body: acceptedBody,
    handlerRuns: true,
  },
  {
    // An onError that only logs must not hang the request or let it through unverified.
    name: 'onError does nothing',
    config: () => ({ onError: 'nothing' }),
    request: (f) => signedRequest(f, { tamperedBody: '{}' }),
    status: 401,
    body: () => WEBHOOK_BODIES.noMatch,
    handlerRuns: false,
    onErrorRuns: true,
  },
  {
    name: 'onError does nothing on an oversized body',
    config: () => ({ onError: 'nothing', options: { limit: SMALL_LIMIT } }),
    request: (f) => signedRequest(f, { body: bytes(SMALL_LIMIT + 1) }),
    status: 413,
    body: () => WEBHOOK_BODIES.tooLarge,
    handlerRuns: false,
    onErrorRuns: true,
  },
];

/** A webhook configuration the adapter must refuse at setup, with the exact message. */
export interface WebhookSetupCase {
  name: string;
  config: (f: WebhookFixture) => Partial<Omit<WebhookHarnessConfig, 'lookup'>>;
  /** `prefix` is `<package>: <function>`, e.g. `@keyward/express: verifyWebhooks`. */
  message: (prefix: string) => string;
}

/** The webhook setup rows: configurations every adapter must refuse, never quoting a secret. */
export const WEBHOOK_SETUP_CASES: WebhookSetupCase[] = [
  {
    // A secret under a misspelt name: refused by name, its value never quoted.
    name: 'an unknown option is refused, naming the nearest one',
    config: (f) => ({ options: { secret: f.secrets.current } }),
    message: (p) => `${p}: options.secret is not an option (did you mean options.secrets?)`,
  },
  {
    name: 'an unknown option near no other is refused, listing the known ones',
    config: () => ({ options: { maxAge: 60 } }),
    message: (p) => `${p}: options.maxAge is not an option; known: secrets, toleranceSeconds, limit, onError`,
  },
  {
    name: 'a string that is no webhook secret is refused, by position',
    config: (f) => ({ secrets: [f.secrets.current, 'whsec_tooShort'] }),
    message: (p) =>
      `${p}: options.secrets[1] must be a whsec_ secret or a whpk_ public key (a whsk_ key signs: give its whpk_ public key)`,
  },
  {
    name: "the sender's whsk_ signing key is refused",
    config: (f) => ({ secrets: [f.keyPair.secretKey] }),
    message: (p) =>
      `${p}: options.secrets[0] must be a whsec_ secret or a whpk_ public key (a whsk_ key signs: give its whpk_ public key)`,
  },
  {
    name: 'no secrets at all is refused',
    config: () => ({ secrets: [] }),
    message: (p) =>
      `${p}: options.secrets must be a non-empty array of whsec_ secrets and whpk_ public keys, or a function that resolves to them`,
  },
  {
    name: 'a limit that is no byte count is refused',
    config: () => ({ options: { limit: '1mb' } }),
    message: (p) => `${p}: options.limit must be a whole number of bytes, 1 or more`,
  },
  {
    name: 'a negative tolerance is refused',
    config: () => ({ options: { toleranceSeconds: -5 } }),
    message: (p) => `${p}: options.toleranceSeconds must be a number of seconds, 0 or more`,
  },
  {
    name: 'an onError that is no function is refused',
    config: () => ({ options: { onError: 'log' } }),
    message: (p) => `${p}: options.onError must be a function`,
  },
];

function secretsOf(f: WebhookFixture): string[] {
  return [...Object.values(f.secrets), f.keyPair.secretKey, f.keyPair.publicKey].map((s) => s.replace(/^wh\w+_/, ''));
}

/**
 * Runs every row of {@link WEBHOOK_SETUP_CASES} and {@link WEBHOOK_CASES} against one adapter,
 * each on a fresh app.
 *
 * @example
 * runWebhookCases({ packageName: '@keyward/koa', functionName: 'verifyWebhooks', framework: 'Koa 3', createWebhookHarness });
 */
export function runWebhookCases(adapter: WebhookAdapterUnderTest): void {
  const { packageName, functionName, framework, createWebhookHarness } = adapter;
  const fixture = createWebhookFixture();

  describe(`${packageName} on ${framework}: webhook setup`, () => {
    for (const row of WEBHOOK_SETUP_CASES) {
      it(row.name, async () => {
        const config = { secrets: [fixture.secrets.current], lookup: endpointLookup(fixture), ...row.config(fixture) };
        const error = await createWebhookHarness(config).then(
          async (harness) => {
            await harness.close();
            return undefined;
          },
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(TypeError);
        const message = (error as Error).message;
        expect(message).toBe(row.message(`${packageName}: ${functionName}`));
        for (const secret of secretsOf(fixture)) expect(message).not.toContain(secret);
      });
    }
  });

  describe(`${packageName} on ${framework}: the shared webhook cases`, () => {
    for (const row of WEBHOOK_CASES) {
      it(row.name, async () => {
        let lookups = 0;
        const lookup = endpointLookup(fixture);
        const harness = await createWebhookHarness({
          secrets: [fixture.secrets.current, fixture.keyPair.publicKey],
          lookup: (id) => {
            lookups += 1;
            return lookup(id);
          },
          ...row.config?.(fixture),
        });
        try {
          const request = row.request(fixture);
          const runsBefore = harness.handlerRuns;
          const onErrorRunsBefore = harness.onErrorRuns;
          const response = await harness.send(request);
          expect(response.status).toBe(row.status);
          expect(response.body).toBe(row.body(request));
          if (row.status === 200 || row.status === 418) {
            expect(response.headers['content-type']).toMatch(/^application\/json/);
          } else {
            expect(response.headers['content-type']).toBe(ERROR_CONTENT_TYPE);
          }
          expect(harness.handlerRuns - runsBefore).toBe(row.handlerRuns ? 1 : 0);
          expect(harness.onErrorRuns - onErrorRunsBefore).toBe(row.onErrorRuns ? 1 : 0);
          expect(lookups).toBe(row.lookupRuns ?? (request.path.startsWith('/webhooks/endpoints/') ? 1 : 0));
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
