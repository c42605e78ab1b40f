// Property-based checks of signed webhooks shared by the three adapters: whatever headers and
// bytes a caller sends, nothing unsigned is accepted and nothing answers 5xx but the documented
// 503 of a lookup that fails; whatever bytes a sender signs, they arrive exactly.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CONTENT_TYPE } from './adapter-cases.js';
import { headerText } from './header-arbitraries.js';
import type { ServedHarness } from './serve-harness.js';
import {
  acceptedBody,
  createWebhookFixture,
  endpointLookup,
  signedRequest,
  WEBHOOK_BODIES,
  type WebhookAdapterUnderTest,
  type WebhookCaseRequest,
  type WebhookHarness,
} from './webhook-cases.js';

const NUM_RUNS = 150;

const SIGNATURE_REFUSALS = new Set<string>([
  WEBHOOK_BODIES.noMatch,
  WEBHOOK_BODIES.timestamp,
  WEBHOOK_BODIES.missingHeaders,
  WEBHOOK_BODIES.notSeconds,
  WEBHOOK_BODIES.badId,
  WEBHOOK_BODIES.signatureTooLong,
  '{"error":{"code":"invalid_signature","message":"A webhook header was sent more than once"}}',
]);

const nowSeconds = () => Math.floor(Date.now() / 1000);
const base64 = fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
const webhookId = fc.oneof(headerText, fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/));
const timestamp = fc.oneof(
  headerText,
  fc.integer({ min: -400, max: 400 }).map((offset) => String(nowSeconds() + offset)),
  fc.nat().map(String),
);
const signature = fc.oneof(
  headerText,
  fc
    .array(fc.tuple(fc.constantFrom('v1', 'v1a', 'v2', ''), base64), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([version, b]) => `${version},${b}`).join(' ')),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'application/xml',
);
const body = fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b));

/**
 * Runs the webhook properties against one adapter.
 *
 * @example
 * runWebhookProperties({ packageName: '@keyward/koa', functionName: 'verifyWebhooks', framework: 'Koa 3', createWebhookHarness });
 */
export function runWebhookProperties(adapter: WebhookAdapterUnderTest): void {
  const { packageName, framework, createWebhookHarness } = adapter;
  describe(`${packageName} on ${framework}: random webhooks`, () => {
    const fixture = createWebhookFixture();
    let harness: WebhookHarness | ServedHarness;
    beforeAll(async () => {
      harness = await createWebhookHarness({
        secrets: [fixture.secrets.current, fixture.keyPair.publicKey],
        lookup: endpointLookup(fixture),
      });
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('never accepts random webhook headers and bytes: a standard 401, never a 5xx', async () => {
      const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
      await fc.assert(
        fc.asyncProperty(
          maybe(webhookId),
          maybe(timestamp),
          maybe(signature),
          contentType,
          body,
          async (id, ts, sig, type, payload) => {
            const headers: Record<string, string> = { 'content-type': type };
            if (id !== undefined) headers['webhook-id'] = id;
            if (ts !== undefined) headers['webhook-timestamp'] = ts;
            if (sig !== undefined) headers['webhook-signature'] = sig;
            const runs = harness.handlerRuns;
            const response = await harness.send({ method: 'POST', path: '/webhooks/static', headers, body: payload });
            expect(response.status).toBe(401);
            expect(SIGNATURE_REFUSALS.has(response.body)).toBe(true);
            expect(response.headers['content-type']).toBe(ERROR_CONTENT_TYPE);
            expect(harness.handlerRuns).toBe(runs);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });

    it('hands any signed bytes of any content type to the handler exactly', async () => {
      await fc.assert(
        fc.asyncProperty(body, contentType, fc.boolean(), async (payload, type, asymmetric) => {
          const secret = asymmetric ? fixture.keyPair.secretKey : fixture.secrets.current;
          const request = signedRequest(fixture, { body: payload, contentType: type, secret });
          const response = await harness.send(request);
          expect(response.status).toBe(200);
          expect(response.body).toBe(acceptedBody(request));
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('refuses signed bytes with any one byte changed, added or removed', async () => {
      await fc.assert(
        fc.asyncProperty(
          body.filter((b) => b.length > 0),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          fc.constantFrom('flip', 'append', 'drop'),
          async (payload, at, delta, change) => {
            const tampered = Buffer.from(payload);
            const index = at % tampered.length;
            tampered[index] = ((tampered[index] ?? 0) + delta) % 256;
            const changed =
              change === 'flip'
                ? tampered
                : change === 'append'
                  ? Buffer.concat([payload, Buffer.from([delta])])
                  : payload.subarray(0, payload.length - 1);
            const request = signedRequest(fixture, { body: payload, tamperedBody: changed });
            const response = await harness.send(request);
            expect([response.status, response.body]).toEqual([401, WEBHOOK_BODIES.noMatch]);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });

    it('answers a looked-up endpoint by what the lookup says: 200, 404 or the documented 503 only', async () => {
      // Random ids start with x_, so none is an endpoint the lookup knows.
      const endpoint = fc.oneof(
        fc.constantFrom('ep_1', 'rotating', 'down', 'whe_unknown'),
        fc.stringMatching(/^x_[A-Za-z0-9_-]{1,28}$/),
      );
      await fc.assert(
        fc.asyncProperty(endpoint, async (id) => {
          const request: WebhookCaseRequest = signedRequest(fixture, { path: `/webhooks/endpoints/${id}` });
          const response = await harness.send(request);
          if (id === 'ep_1' || id === 'rotating') {
            expect([response.status, response.body]).toEqual([200, acceptedBody(request)]);
          } else if (id === 'down') {
            expect([response.status, response.body]).toEqual([503, WEBHOOK_BODIES.unavailable]);
          } else {
            expect([response.status, response.body]).toEqual([404, WEBHOOK_BODIES.notFound]);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
}
