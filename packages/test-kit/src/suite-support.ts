// What the session and webhook store suites share: the factory check, a fresh scope per test,
// and the outcome of a call compared with core's reference store.
import { randomBytes } from 'node:crypto';
import { assertKnownOptions, type KeyScope } from '@keyward/core/store';
import { describe, it } from 'vitest';

/** The fields every store suite's factory has. */
interface SuiteFactory {
  name: string;
  create: unknown;
  skip?: string | undefined;
}

/**
 * Checks a suite's factory (throwing a TypeError that names the field, before anything is
 * registered) and registers the suite under `factory.name`, or one skipped test whose title is
 * the reason, so that a skip is never silent.
 */
export function registerStoreSuite(factory: SuiteFactory, caller: string, body: () => void): void {
  if (typeof factory !== 'object' || factory === null) throw new TypeError(`${caller}: factory must be an object`);
  assertKnownOptions(factory, ['name', 'create', 'skip'], caller, 'factory');
  if (typeof factory.name !== 'string' || factory.name === '') {
    throw new TypeError(`${caller}: factory.name must be a non-empty string`);
  }
  if (typeof factory.create !== 'function') throw new TypeError(`${caller}: factory.create must be a function`);
  if (factory.skip !== undefined && (typeof factory.skip !== 'string' || factory.skip === '')) {
    throw new TypeError(`${caller}: factory.skip must be the reason the suite is skipped, or unset`);
  }
  const skipReason = factory.skip;
  if (skipReason !== undefined) {
    describe(factory.name, () => {
      it.skip(skipReason, () => {});
    });
    return;
  }
  describe(factory.name, body);
}

/** Where each suite's hand-moved clock starts. */
export const SUITE_START = Date.parse('2030-01-01T00:00:00.000Z');

/** A fresh tenant per test, so tests sharing one database never see each other's records. */
export function freshScope(environmentId = 'prod'): KeyScope {
  return { tenantId: `t_${randomBytes(6).toString('hex')}`, environmentId };
}

/** What a call did: its value, or the name and message of what it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

/** Runs `run` and says what it did, so that two stores' answers to one input can be compared. */
export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, name: (err as Error).name, message: (err as Error).message };
  }
}
