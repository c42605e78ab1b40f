import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/helpers.js';
import { createFailureLimiter, DEFAULT_FAILURE_LIMIT } from './failure-limiter.js';

describe('createFailureLimiter', () => {
  it('defaults to 20 failures a minute per address', () => {
    expect(DEFAULT_FAILURE_LIMIT).toEqual({ max: 20, windowMs: 60_000 });
    const clock = manualClock();
    const limiter = createFailureLimiter({ now: clock.ms });
    for (let i = 0; i < 19; i += 1) limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(60);
    clock.advance(59_999);
    expect(limiter.retryAfter('10.0.0.1')).toBe(1);
    clock.advance(1);
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
  });

  it('counts in fixed windows: Retry-After is the time left in the window, rounded up', () => {
    const clock = manualClock();
    const limiter = createFailureLimiter({ max: 3, windowMs: 10_000, now: clock.ms });
    limiter.recordFailure('a');
    clock.advance(4_500);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBe(6);
    clock.advance(5_500);
    expect(limiter.retryAfter('a')).toBe(0);
    // A new window starts with the next failure.
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });

  it('keeps addresses apart', () => {
    const limiter = createFailureLimiter({ max: 1, now: manualClock().ms });
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    expect(limiter.retryAfter('b')).toBe(0);
  });

  it('puts requests without an address in one shared bucket', () => {
    const limiter = createFailureLimiter({ max: 2, now: manualClock().ms });
    limiter.recordFailure(undefined);
    limiter.recordFailure('');
    expect(limiter.retryAfter(undefined)).toBeGreaterThan(0);
  });

  it('reset forgets an address', () => {
    const limiter = createFailureLimiter({ max: 1, now: manualClock().ms });
    limiter.recordFailure('a');
    limiter.reset('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });

  it('tracks at most maxClients addresses, forgetting the oldest', () => {
    const limiter = createFailureLimiter({ max: 1, maxClients: 2, now: manualClock().ms });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.retryAfter('b')).toBeGreaterThan(0);
    expect(limiter.retryAfter('c')).toBeGreaterThan(0);
  });

  it('throws at setup, naming the bad option', () => {
    for (const [options, name] of [
      [{ max: 0 }, 'max'],
      [{ max: 1.5 }, 'max'],
      [{ windowMs: -1 }, 'windowMs'],
      [{ windowMs: Number.NaN }, 'windowMs'],
      [{ maxClients: 0 }, 'maxClients'],
    ] as const) {
      expect(() => createFailureLimiter(options)).toThrow(new RegExp(`failureLimit\\.${name}`));
    }
  });
});
