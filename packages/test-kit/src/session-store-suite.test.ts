import { describe, expect, it } from 'vitest';
import { describeSessionStoreSuite } from './session-store-suite.js';

const create = async () => {
  throw new Error('never opened: the factory is refused first');
};

describe('describeSessionStoreSuite', () => {
  it('refuses a factory it cannot run, naming the field, before registering anything', () => {
    const cases: [unknown, string][] = [
      [null, 'factory must be an object'],
      [{ name: 'S', create, skp: 'no server' }, 'factory.skp is not an option (did you mean factory.skip?)'],
      [{ name: '', create }, 'factory.name must be a non-empty string'],
      [{ name: 'S', create: 'open' }, 'factory.create must be a function'],
      [{ name: 'S', create, skip: true }, 'factory.skip must be the reason the suite is skipped, or unset'],
      [{ name: 'S', create, skip: '' }, 'factory.skip must be the reason the suite is skipped, or unset'],
    ];
    for (const [factory, message] of cases) {
      expect(() => describeSessionStoreSuite(factory as never)).toThrow(
        new TypeError(`@keyward/test-kit: describeSessionStoreSuite: ${message}`),
      );
    }
  });
});
