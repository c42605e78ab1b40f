import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { UsageError } from './io.js';

const COMMAND = 'keyward portal create-session';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['24h', 86_400],
    ['7d', 604_800],
    ['366d', 31_622_400],
  ])('%s is %i seconds', (value, seconds) => {
    expect(parseDuration(value, 'ttl', COMMAND)).toBe(seconds);
  });

  it('is undefined when the flag was not given', () => {
    expect(parseDuration(undefined, 'ttl', COMMAND)).toBeUndefined();
  });

  it.each(['', '1.5h', '-1h', '1 h', '1H', '1hour', 'h', '1h30m', '367d', '9999999999', ' 1h'])(
    'refuses %j with a usage error naming the flag',
    (value) => {
      expect(() => parseDuration(value, 'ttl', COMMAND)).toThrow(
        new UsageError(`${COMMAND}: --ttl must be a duration such as 90s, 15m, 1h or 1d (at most a year)`),
      );
    },
  );

  it('never quotes what was typed, whatever it is', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        let message = '';
        try {
          parseDuration(value, 'grace', COMMAND);
          return;
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          message = (err as Error).message;
        }
        expect(message).toBe(`${COMMAND}: --grace must be a duration such as 90s, 15m, 1h or 1d (at most a year)`);
      }),
    );
  });
});
