// The last line of defence between a log record and the log: whatever a serializer let through
// (a key under a header name nobody foresaw, in a path, in an error's fields), nothing shaped like
// a keyward secret is written. Keys are 64 hex characters; session tokens, webhook secrets and
// signing keys carry a prefix (kws_, whsec_, whsk_).

const REDACTED = '[Redacted]';

// 64 or more hex digits, each as it is or percent-encoded (%30-%39, %41-%46, %61-%66), in any
// case: a key, a key in a URL, or the hex of a key's bytes (128 digits). Nothing keyward logs on
// purpose has 64 hex digits in a row; a SHA-256 does too, and is dropped with the rest.
const HEX_RUN = /(?:[0-9A-Fa-f]|%(?:3[0-9]|4[1-6]|6[1-6])){64,}/g;

// Prefixed secrets, in standard or URL-safe base64.
const PREFIXED_SECRET = /\b(kws|whsec|whsk)_[A-Za-z0-9+/_-]{16,}=*/g;

// A Buffer serialized as JSON ({"type":"Buffer","data":[71,69,84,...]}): a request's raw bytes,
// say. 32 or more small integers in a row is bytes, not data worth a log line.
const BYTE_ARRAY = /\[\s*\d{1,3}(?:\s*,\s*\d{1,3}){31,}\s*\]/g;

// A base64 run long enough to hold a key as text (64 characters encode to 86 or more).
const BASE64_RUN = /[A-Za-z0-9+/_-]{86,}={0,2}/g;

const HAS_SECRET = /[0-9A-Fa-f]{64}|(?:kws|whsec|whsk)_[A-Za-z0-9+/_-]{16,}/;

// Whether `offset` of a JSON line falls inside a string, where a replacement must not add quotes.
function insideString(line: string, offset: number): boolean {
  let inside = false;
  for (let i = 0; i < offset; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') inside = !inside;
  }
  return inside;
}

// A run may start before the encoded text does (`/v1/` joined to it, both in the alphabet): of
// the four possible alignments one decodes it as it was written. Node's base64 decoder takes
// the URL-safe alphabet too.
function hidesSecret(run: string): boolean {
  for (let offset = 0; offset < 4; offset++) {
    if (HAS_SECRET.test(Buffer.from(run.slice(offset), 'base64').toString('latin1'))) return true;
  }
  return false;
}

/**
 * `line` with every run shaped like a keyward secret replaced by `[Redacted]`: 64 hex digits
 * (plain or percent-encoded), a `kws_`/`whsec_`/`whsk_` secret, base64 text holding either, and
 * serialized byte arrays. A JSON line stays valid JSON.
 *
 * @example
 * scrubSecrets(`{"url":"/v1/me?k=${key}"}`); // '{"url":"/v1/me?k=[Redacted]"}'
 */
export function scrubSecrets(line: string): string {
  return line
    .replace(BYTE_ARRAY, (_array, offset: number, whole: string) =>
      insideString(whole, offset) ? REDACTED : `"${REDACTED}"`,
    )
    .replace(BASE64_RUN, (run) => (hidesSecret(run) ? REDACTED : run))
    .replace(HEX_RUN, REDACTED)
    .replace(PREFIXED_SECRET, (_match, prefix: string) => `${prefix}_${REDACTED}`);
}
