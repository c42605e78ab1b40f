// Property-based checks of portal sessions shared by the three adapters: whatever a caller puts
// in the session header, the answer is a standard refusal, never a 5xx, an accept or an echo.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CONTENT_TYPE } from './adapter-cases.js';
import { headerText } from './header-arbitraries.js';
import type { ServedHarness } from './serve-harness.js';
import {
  createSessionFixture,
  SESSION_BODIES,
  type SessionAdapterUnderTest,
  type SessionFixture,
  type SessionHarness,
} from './session-cases.js';

const NUM_RUNS = 200;

const tokenLike = fc.oneof(
  headerText,
  fc.stringMatching(/^kws_[A-Za-z0-9_-]{43}$/),
  fc.stringMatching(/^kws_[A-Za-z0-9_+/=-]{40,46}$/),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.constant(''),
);
const sessionHeader = fc.oneof(tokenLike, fc.array(tokenLike, { minLength: 2, maxLength: 3 }));

const REFUSALS: Record<string, number> = {
  [SESSION_BODIES.missing]: 401,
  [SESSION_BODIES.invalid]: 401,
  [SESSION_BODIES.tooMany]: 429,
};

/**
 * Runs the session header properties against one adapter.
 *
 * @example
 * runSessionProperties({ packageName: '@keyward/koa', framework: 'Koa 3', createSessionHarness });
 */
export function runSessionProperties(adapter: SessionAdapterUnderTest): void {
  const { packageName, framework, createSessionHarness } = adapter;
  describe(`${packageName} on ${framework}: random session headers`, () => {
    let fixture: SessionFixture;
    let limited: SessionHarness | ServedHarness;
    let unlimited: SessionHarness | ServedHarness;
    beforeAll(async () => {
      fixture = await createSessionFixture();
      // The default failure limit stays on in one, so the 429 path is exercised too.
      limited = await createSessionHarness({ store: fixture.sessions, keyStore: fixture.keyStore });
      unlimited = await createSessionHarness({
        store: fixture.sessions,
        keyStore: fixture.keyStore,
        failureLimit: false,
      });
    });
    afterAll(async () => {
      await limited?.close();
      await unlimited?.close();
    });

    it('refuses any unknown x-session-token value with a standard 401/429 body, never echoing it', async () => {
      await fc.assert(
        fc.asyncProperty(sessionHeader, async (value) => {
          const runs = limited.handlerRuns;
          const response = await limited.send({ path: '/portal', headers: { 'x-session-token': value } });
          expect(limited.handlerRuns).toBe(runs);
          expect(REFUSALS[response.body]).toBe(response.status);
          expect(response.headers['content-type']).toBe(ERROR_CONTENT_TYPE);
          if (response.status === 429) expect(response.headers['retry-after']).toMatch(/^\d+$/);
          for (const part of [value].flat()) {
            if (part.trim().length >= 16) expect(response.body).not.toContain(part.trim());
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('refuses any well-formed token it did not issue as invalid_session_token', async () => {
      await fc.assert(
        fc.asyncProperty(fc.stringMatching(/^kws_[A-Za-z0-9_-]{43}$/), async (token) => {
          fc.pre(token !== fixture.tokens.valid);
          const response = await unlimited.send({ path: '/portal', headers: { 'x-session-token': token } });
          expect([response.status, response.body]).toEqual([401, SESSION_BODIES.invalid]);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('never takes a session token, however sent, as an API key', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(fixture.tokens.valid, fixture.tokens.unknown, fixture.tokens.expired),
          fc.constantFrom('', ' ', '\t'),
          async (token, padding) => {
            const response = await unlimited.send({ path: '/keys', headers: { 'x-api-key': `${padding}${token}` } });
            expect([response.status, response.body]).toEqual([401, SESSION_BODIES.invalidApiKey]);
          },
        ),
        { numRuns: 20 },
      );
    });
  });
}
