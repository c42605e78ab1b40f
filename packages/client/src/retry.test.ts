import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, isIdempotentMethod, isRetryableStatus, parseRetryAfter } from './retry.js';

describe('isIdempotentMethod', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'get', 'delete'])('%s may be retried', (method) => {
    expect(isIdempotentMethod(method)).toBe(true);
  });
  it.each(['POST', 'PATCH', 'post', 'CONNECT'])('%s may not', (method) => {
    expect(isIdempotentMethod(method)).toBe(false);
  });
});

describe('isRetryableStatus', () => {
  it('is true for 429, 502, 503 and 504 only', () => {
    const retryable = [];
    for (let status = 100; status < 600; status++) if (isRetryableStatus(status)) retryable.push(status);
    expect(retryable).toEqual([429, 502, 503, 504]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2030-01-01T00:00:00.000Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 12 ', now)).toBe(12_000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', '-1', '1.5', 'soon', '2030-01-01T00:00:05Z', 'Tue, 99 Foo 2030'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('never throws and never returns a negative wait, whatever the header says', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value, now);
        expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
      }),
    );
  });
});

describe('backoffDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the bound each retry, up to the cap', () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, { ...options, random: top }))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('jitters between 0 and the bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const delay = backoffDelay(retry, { ...options, random: () => r });
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** retry));
        },
      ),
    );
  });
});
