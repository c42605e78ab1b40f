import { ApiKeyError } from '@keyward/core';
import type { z } from 'zod';

/**
 * Parses a request body or query with its zod schema, or throws a 400 `validation_error` whose
 * message names the field, e.g. `body.name: Too small: expected string to have >=1 characters`.
 * The message quotes the field, never its value, so a key pasted into the wrong field is not
 * echoed back.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let field = [where, ...(issue?.path ?? []).map(String)].join('.');
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') {
    field = `${field}.${issue.keys[0] ?? ''}`;
    message = 'unknown field';
  } else if (issue?.code === 'invalid_type' && issue.input === undefined && issue.path.length > 0) {
    message = 'required';
  }
  throw new ApiKeyError('validation_error', { message: `${field}: ${message}` });
}
