/** The part of a validation issue (zod's, or any library's) that {@link describeIssue} reads. */
export interface IssueLike {
  readonly code?: string;
  readonly path?: readonly PropertyKey[];
  readonly message?: string;
  /** For unknown keys: their names. */
  readonly keys?: readonly string[];
  /** The value that failed. Read only to tell "required" from a wrong value; never quoted. */
  readonly input?: unknown;
}

/**
 * Turns the first issue of a failed validation into a field and a message for people, the
 * same way everywhere keyward validates: `body.limit: expected number, received string`,
 * `keys.0.hash: unknown field`. The value itself is never quoted, since it may be a key put in
 * the wrong field.
 *
 * @example
 * const { field, message } = describeIssue(result.error.issues[0], ['body']);
 */
export function describeIssue(
  issue: IssueLike | undefined,
  prefix: readonly string[] = [],
  fallback = 'input',
): { field: string; message: string } {
  const path = [...prefix, ...(issue?.path ?? []).map(String)];
  if (issue === undefined) return { field: path.join('.') || fallback, message: 'invalid' };
  if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
    return { field: [...path, issue.keys[0]].join('.'), message: 'unknown field' };
  }
  let message = issue.message ?? 'invalid';
  // zod leaves the input out of its issues unless asked, so a missing field is told from a
  // wrong type by what the message says was received; "required" only for the former.
  const missing = 'input' in issue ? issue.input === undefined : /received undefined$/.test(issue.message ?? '');
  if (issue.code === 'invalid_type' && missing && (issue.path?.length ?? 0) > 0) {
    message = 'required';
  }
  return { field: path.join('.') || fallback, message };
}

/** {@link describeIssue} as one line, `field: message`. */
export function formatIssue(issue: IssueLike | undefined, prefix: readonly string[] = [], fallback = 'input'): string {
  const { field, message } = describeIssue(issue, prefix, fallback);
  return `${field}: ${message}`;
}
