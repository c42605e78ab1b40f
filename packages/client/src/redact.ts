/** What a key, a session token or a webhook secret is replaced with wherever the client prints something. */
export const REDACTED = '***';

// The shapes of keyward's secrets: a key (64 lowercase hex characters), a portal session token
// (`kws_` and base64url) and a webhook secret (`whsec_`, or an ed25519 `whsk_` key, and base64).
// Text that comes from the server (an error message) or from below (an undici error) is scrubbed
// of them all, in case a faulty server echoes one; a shortened run is hidden too, since part of a
// secret is still too much.
const SECRET_SHAPED = [/[0-9a-f]{64}/g, /kws_[A-Za-z0-9_-]{16,}/g, /wh(?:sec|sk)_[A-Za-z0-9+/]{16,}={0,2}/g];

/**
 * Replaces every occurrence of each secret in `text` with {@link REDACTED}. Empty secrets are
 * ignored (replacing "" would interleave `***` between every character).
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // includes first: on every request the URL is redacted, and it almost never holds the secret.
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Like {@link redact}, and also hides anything shaped like a key, a session token or a webhook
 * secret: for text the server or a library wrote.
 */
export function redactUntrusted(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redact(text, secrets);
  for (const shape of SECRET_SHAPED) out = out.replace(shape, REDACTED);
  return out;
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
 * shaped like a key, token or webhook secret, redacted from its message and stack, keeping `name` and `code`. Errors from below (undici, a key provider) can
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
