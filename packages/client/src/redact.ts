/** What a key is replaced with wherever the client prints something. */
export const REDACTED = '***';

// Any run of 64 lowercase hex characters has the shape of a keyward key. Text that comes from the
// server (an error message) is scrubbed of them too, in case a faulty server echoes a key.
const KEY_SHAPED = /[0-9a-f]{64}/g;

/**
 * Replaces every occurrence of each secret in `text` with {@link REDACTED}. Empty secrets are
 * ignored (replacing "" would interleave `***` between every character).
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Like {@link redact}, and also hides anything shaped like a key: for text the server wrote. */
export function redactUntrusted(text: string, secrets: readonly (string | undefined)[]): string {
  return redact(text, secrets).replace(KEY_SHAPED, REDACTED);
}

/**
 * A header record with the named headers' values replaced by {@link REDACTED}, for debug output.
 * Returns a new object: the caller's headers are left as they are.
 */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  sensitive: readonly string[],
): Record<string, string> {
  const names = new Set(sensitive.map((name) => name.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = names.has(name.toLowerCase()) ? REDACTED : value;
  }
  return out;
}

/**
 * A copy of an error (and of its causes, a few levels deep) with every secret, and anything
 * shaped like a key, redacted from its message and stack, keeping `name` and `code`. Errors from below (undici, a key provider) can
 * quote request headers, and `util.inspect` prints a cause in full, so none is attached as is.
 */
export function redactError(err: unknown, secrets: readonly (string | undefined)[], depth = 0): unknown {
  if (typeof err === 'string') return redactUntrusted(err, secrets);
  if (!(err instanceof Error)) {
    // Anything else is described, never kept: it might hold the key anywhere.
    return err === undefined || err === null ? err : `[${typeof err}]`;
  }
  const copy = new Error(redactUntrusted(err.message, secrets));
  copy.name = err.name;
  copy.stack = err.stack === undefined ? undefined : redactUntrusted(err.stack, secrets);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  if (err.cause !== undefined && depth < 3) copy.cause = redactError(err.cause, secrets, depth + 1);
  return copy;
}
