import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssue } from './describe-issue.js';

const schema = z.strictObject({ limit: z.number(), name: z.string().min(1) });
const first = (value: unknown) => schema.safeParse(value).error?.issues[0];

describe('formatIssue', () => {
  it('says required only for a missing field, and the expected type for a wrong one', () => {
    expect(formatIssue(first({ name: 'x' }), ['query'])).toBe('query.limit: required');
    expect(formatIssue(first({ limit: 'abc', name: 'x' }), ['query'])).toBe(
      'query.limit: Invalid input: expected number, received string',
    );
  });

  it('names an unknown field, and never quotes a value', () => {
    const key = 'ab'.repeat(32);
    expect(formatIssue(first({ limit: 1, name: 'x', extra: key }), ['body'])).toBe('body.extra: unknown field');
    const message = formatIssue(first({ limit: key, name: 'x' }), ['body']);
    expect(message).not.toContain(key);
  });
});
