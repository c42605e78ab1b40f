import { ApiKeyError } from '@keyward/core';
import { formatIssue } from '@keyward/core/adapter';
import type { z } from 'zod';

/**
 * Parses a request body, query or path parameters with its zod schema, or throws a 400 `validation_error` whose
 * message names the field, e.g. `body.name: Too small: expected string to have >=1 characters`.
 * The message quotes the field, never its value, so a key pasted into the wrong field is not
 * echoed back.
 */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'path',
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiKeyError('validation_error', { message: formatIssue(result.error.issues[0], [where]) });
}
