// Property-based checks shared by the three adapters: whatever a caller puts in the headers,
// the answer is one of the standard refusals (or, with a valid key, the handler), never a 5xx,
// a crash or a leaked value.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterUnderTest,
  BODIES,
  createFixture,
  ERROR_CONTENT_TYPE,
  type Fixture,
  type Harness,
} from './adapter-cases.js';
import { headerText } from './header-arbitraries.js';

const NUM_RUNS = 300;

const keyLike = fc.oneof(
  headerText,
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9a-fA-F]{62,66}$/),
  fc.stringMatching(/^[ \t]*[0-9a-f]{64}[ \t]*$/),
  fc.constant(''),
);
const apiKeyHeader = fc.oneof(keyLike, fc.array(keyLike, { minLength: 2, maxLength: 3 }));

const REFUSALS: Record<string, number> = {
  [BODIES.missing]: 401,
  [BODIES.invalid]: 401,
  [BODIES.duplicated]: 401,
  [BODIES.tooMany]: 429,
  [BODIES.environment]: 403,
};

/**
 * Runs the header properties against one adapter.
 *
 * @example
 * runAdapterProperties({ packageName: '@keyward/koa', framework: 'Koa 3', createHarness: koaHarness() });
 */
export function runAdapterProperties(adapter: AdapterUnderTest): void {
  const { packageName, framework, createHarness: factory } = adapter;
  describe(`${packageName} on ${framework}: random headers`, () => {
    let fixture: Fixture;
    let limited: Harness;
    let unlimited: Harness;
    beforeAll(async () => {
      fixture = await createFixture();
      // The default failure limit stays on here, so the 429 path is exercised too.
      limited = await factory({ store: fixture.store });
      unlimited = await factory({ store: fixture.store, failureLimit: false });
    });
    afterAll(async () => {
      await limited?.close();
      await unlimited?.close();
    });

    it('refuses any unknown x-api-key value with a standard 401/429 body', async () => {
      await fc.assert(
        fc.asyncProperty(apiKeyHeader, async (value) => {
          const runs = limited.handlerRuns;
          const response = await limited.send({ path: '/protected', headers: { 'x-api-key': value } });
          expect(limited.handlerRuns).toBe(runs);
          expect(REFUSALS[response.body]).toBe(response.status);
          expect(response.status).not.toBe(403);
          expect(response.headers['content-type']).toBe(ERROR_CONTENT_TYPE);
          if (response.status === 429) expect(response.headers['retry-after']).toMatch(/^\d+$/);
          for (const part of [value].flat()) {
            if (part.trim().length >= 16) expect(response.body).not.toContain(part.trim());
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('with a valid key, any x-environment-id is either its environment or 403', async () => {
      const environment = fc.oneof(headerText, fc.constantFrom('prod', ' prod ', 'PROD', 'prod, prod'));
      await fc.assert(
        fc.asyncProperty(environment, async (value) => {
          const runs = unlimited.handlerRuns;
          const headers = { 'x-api-key': fixture.keys.valid, 'x-environment-id': value };
          const response = await unlimited.send({ path: '/protected', headers });
          const trimmed = value.trim();
          if (trimmed === '' || trimmed === 'prod') {
            expect(response.status).toBe(200);
            expect(response.body).toBe(JSON.stringify({ apiKey: fixture.contexts.valid }));
            expect(unlimited.handlerRuns).toBe(runs + 1);
          } else {
            expect(response.status).toBe(403);
            expect(response.body).toBe(BODIES.environment);
            expect(unlimited.handlerRuns).toBe(runs);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
}
