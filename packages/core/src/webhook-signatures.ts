import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { HeadersLike } from './extract-api-key.js';
import { readHeader } from './extract-api-key.js';

// Standard Webhooks (standardwebhooks.com): the signed content is `{id}.{timestamp}.{payload}`;
// `v1` signatures are HMAC-SHA256 with a `whsec_` secret, `v1a` signatures ed25519 with a
// `whsk_` secret key, verified with its `whpk_` public key. The headers carry one id, one
// timestamp (Unix seconds) and a space-separated list of `version,base64` signatures, so that
// a secret can be rotated without downtime.

/** The three headers of a signed webhook (a type, not an interface, so it is a HeadersLike too). */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Why a webhook was refused, for people and logs (never holds a secret or the payload). */
export type WebhookFailure =
  | 'missing_headers'
  | 'invalid_headers'
  | 'timestamp_out_of_tolerance'
  | 'invalid_signature'
  | 'no_secrets';

/** The outcome of {@link verifyWebhook}: never thrown, always returned. */
export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: WebhookFailure; message: string };

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  /** The message id (`msg_…`): the same for every attempt of one event. No `.` or spaces. */
  id: string;
  /** When this attempt is made: a Date or Unix seconds. Default: now. */
  timestamp?: Date | number;
  /** The exact body to send: a string (sent as UTF-8) or bytes. */
  payload: string | Uint8Array;
  /** A `whsec_` or `whsk_` secret, or several (every active secret during a rotation). */
  secret: string | readonly string[];
}

/** Input of {@link verifyWebhook}. */
export interface VerifyWebhookInput {
  /** The request headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  headers: HeadersLike;
  /** The exact bytes received: never a re-serialised JSON object. */
  payload: string | Uint8Array;
  /** The `whsec_` secrets and `whpk_` public keys to accept (old and new during a rotation). */
  secrets: string | readonly string[];
  /** How far the timestamp may be from now, either way. Default 300 s. */
  toleranceSeconds?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

const SYMMETRIC = 'whsec_';
const SECRET_KEY = 'whsk_';
const PUBLIC_KEY = 'whpk_';
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MESSAGE_ID = /^[\x21-\x2d\x2f-\x7e]{1,256}$/;
const TIMESTAMP = /^\d{1,15}$/;
// Bounds what one request can make us compute: a flood of signatures must not cost more than
// a handful of HMACs.
const MAX_SIGNATURES = 16;
const MAX_SIGNATURE_HEADER = 4096;
// The DER prefixes that turn raw ed25519 bytes into keys Node's crypto reads (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function decodeBase64(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/**
 * A new `whsec_` secret for a webhook endpoint: `bytes` random bytes (24 to 64, default 32),
 * base64-encoded, as Standard Webhooks libraries (`standardwebhooks`, `svix`) read it.
 *
 * @example
 * const secret = generateWebhookSecret(); // 'whsec_…', shown to the customer once
 */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new TypeError(
      `@keyward/core: generateWebhookSecret: bytes must be an integer from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES}`,
    );
  }
  return `${SYMMETRIC}${randomBytes(bytes).toString('base64')}`;
}

/**
 * A new ed25519 key pair for asymmetric (`v1a`) signatures: sign with `secretKey` (`whsk_`, keep
 * it), give customers `publicKey` (`whpk_`) to verify with.
 */
export function generateWebhookKeyPair(): { secretKey: string; publicKey: string } {
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicRaw = publicDer.subarray(ED25519_SPKI_PREFIX.length);
  return {
    secretKey: `${SECRET_KEY}${Buffer.concat([seed, publicRaw]).toString('base64')}`,
    publicKey: `${PUBLIC_KEY}${publicRaw.toString('base64')}`,
  };
}

type ParsedSecret =
  | { kind: 'v1'; key: Buffer }
  | { kind: 'v1a-sign'; key: KeyObject }
  | { kind: 'v1a-verify'; key: KeyObject };

// Parsed secrets are cached by their text: verifying is on the request path, and building a
// KeyObject per request would cost more than the signature check itself.
const parsedSecrets = new Map<string, ParsedSecret | null>();

function parseSecret(secret: unknown): ParsedSecret | null {
  if (typeof secret !== 'string') return null;
  const cached = parsedSecrets.get(secret);
  if (cached !== undefined) return cached;
  let parsed: ParsedSecret | null = null;
  try {
    if (secret.startsWith(SYMMETRIC)) {
      const key = decodeBase64(secret.slice(SYMMETRIC.length));
      if (key !== null && key.length >= MIN_SECRET_BYTES && key.length <= MAX_SECRET_BYTES)
        parsed = { kind: 'v1', key };
    } else if (secret.startsWith(SECRET_KEY)) {
      // 32 bytes (the seed) or 64 (seed and public key, as libsodium writes it).
      const raw = decodeBase64(secret.slice(SECRET_KEY.length));
      if (raw !== null && (raw.length === 32 || raw.length === 64)) {
        const der = Buffer.concat([ED25519_PKCS8_PREFIX, raw.subarray(0, 32)]);
        parsed = { kind: 'v1a-sign', key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
      }
    } else if (secret.startsWith(PUBLIC_KEY)) {
      const raw = decodeBase64(secret.slice(PUBLIC_KEY.length));
      if (raw !== null && raw.length === 32) {
        const der = Buffer.concat([ED25519_SPKI_PREFIX, raw]);
        parsed = { kind: 'v1a-verify', key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
      }
    }
  } catch {
    parsed = null;
  }
  // Bounded, so that a caller passing ever-new strings cannot grow it without limit.
  if (parsedSecrets.size >= 1000) parsedSecrets.clear();
  parsedSecrets.set(secret, parsed);
  return parsed;
}

/**
 * Whether `secret` can verify a webhook: a `whsec_` secret or a `whpk_` public key of the right
 * length. A `whsk_` key signs and is refused here, so that a receiver is never configured with
 * the sender's private key. Checked when a receiver is set up, so a typo fails at start.
 */
export function isWebhookVerificationSecret(secret: unknown): secret is string {
  const parsed = parseSecret(secret);
  return parsed !== null && parsed.kind !== 'v1a-sign';
}

function toList(value: string | readonly string[]): readonly unknown[] {
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
}

function signedContent(id: string, timestamp: string, payload: string | Uint8Array): Buffer {
  const body =
    typeof payload === 'string'
      ? Buffer.from(payload, 'utf8')
      : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
}

/**
 * Signs a webhook the Standard Webhooks way: the three headers to send with `payload`. With
 * several secrets (a rotation), one signature per secret, so receivers holding either verify.
 *
 * @throws TypeError for an id with `.` or spaces, a bad timestamp, or a secret that is not a
 *   `whsec_` secret or `whsk_` key (the message never quotes it).
 * @example
 * const headers = signWebhook({ id: 'msg_1', payload: JSON.stringify(event), secret });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
export function signWebhook(input: SignWebhookInput): WebhookHeaders {
  const { id, payload } = input;
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) {
    throw new TypeError('@keyward/core: signWebhook: id must be 1 to 256 printable characters without "." or spaces');
  }
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new TypeError('@keyward/core: signWebhook: payload must be the exact body, a string or bytes');
  }
  const at = input.timestamp ?? new Date();
  const seconds = at instanceof Date ? Math.floor(at.getTime() / 1000) : at;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new TypeError('@keyward/core: signWebhook: timestamp must be a valid Date or whole Unix seconds');
  }
  const timestamp = String(seconds);
  const content = signedContent(id, timestamp, payload);
  const secrets = toList(input.secret);
  if (secrets.length === 0) throw new TypeError('@keyward/core: signWebhook: secret is required');
  const signatures = secrets.map((secret, index) => {
    const parsed = parseSecret(secret);
    if (parsed?.kind === 'v1') return `v1,${createHmac('sha256', parsed.key).update(content).digest('base64')}`;
    if (parsed?.kind === 'v1a-sign') return `v1a,${sign(null, content, parsed.key).toString('base64')}`;
    throw new TypeError(
      `@keyward/core: signWebhook: secret${typeof input.secret === 'string' ? '' : `[${index}]`} must be a whsec_ secret or a whsk_ key`,
    );
  });
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

function fail(reason: WebhookFailure, message: string): WebhookVerification {
  return { ok: false, reason, message };
}

/**
 * Verifies a Standard Webhooks request: the three headers, the timestamp within
 * `toleranceSeconds` of now, and at least one `v1` (HMAC-SHA256, compared in constant time) or
 * `v1a` (ed25519) signature made with one of `secrets`. Never throws, whatever the request
 * holds: the result says why it failed. Replays inside the tolerance are the caller's to refuse,
 * by remembering `webhook-id`.
 *
 * @example
 * const result = verifyWebhook({ headers: req.headers, payload: rawBody, secrets: [secret] });
 * if (!result.ok) return res.status(401).json({ error: result.message });
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  try {
    return verifyOrFail(input);
  } catch {
    // Anything unforeseen (a hostile headers object, a payload that is not bytes) refuses.
    return fail('invalid_headers', 'The webhook headers could not be read');
  }
}

function verifyOrFail(input: VerifyWebhookInput): WebhookVerification {
  const { headers, payload, toleranceSeconds = 300 } = input ?? ({} as VerifyWebhookInput);
  const id = readHeader(headers, 'webhook-id');
  const timestamp = readHeader(headers, 'webhook-timestamp');
  const signature = readHeader(headers, 'webhook-signature');
  if (id.kind === 'absent' || timestamp.kind === 'absent' || signature.kind === 'absent') {
    return fail('missing_headers', 'Missing webhook-id, webhook-timestamp or webhook-signature header');
  }
  if (id.kind === 'many' || timestamp.kind === 'many' || signature.kind === 'many') {
    return fail('invalid_headers', 'A webhook header was sent more than once');
  }
  if (!MESSAGE_ID.test(id.value)) return fail('invalid_headers', 'The webhook-id header is malformed');
  if (!TIMESTAMP.test(timestamp.value))
    return fail('invalid_headers', 'The webhook-timestamp header is not Unix seconds');
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    return fail('invalid_headers', 'The webhook payload must be the raw body');
  }
  const seconds = Number(timestamp.value);
  const nowSeconds = Math.floor((input.now?.() ?? new Date()).getTime() / 1000);
  const tolerance = Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0 ? toleranceSeconds : 300;
  if (Math.abs(nowSeconds - seconds) > tolerance) {
    return fail('timestamp_out_of_tolerance', 'The webhook-timestamp is too far from the current time');
  }
  const verifiers = toList(input.secrets)
    .map(parseSecret)
    .filter((parsed): parsed is ParsedSecret => parsed !== null && parsed.kind !== 'v1a-sign');
  if (verifiers.length === 0) return fail('no_secrets', 'No valid webhook secret is configured for this endpoint');
  if (signature.value.length > MAX_SIGNATURE_HEADER) {
    return fail('invalid_signature', 'The webhook-signature header is too long');
  }
  const content = signedContent(id.value, timestamp.value, payload);
  const offered = signature.value
    .split(' ')
    .filter((part) => part.length > 0)
    .slice(0, MAX_SIGNATURES);
  let hmacs: Buffer[] | null = null;
  for (const part of offered) {
    const comma = part.indexOf(',');
    if (comma < 0) continue;
    const version = part.slice(0, comma);
    const bytes = decodeBase64(part.slice(comma + 1));
    if (bytes === null) continue;
    if (version === 'v1' && bytes.length === 32) {
      hmacs ??= verifiers.flatMap((v) =>
        v.kind === 'v1' ? [createHmac('sha256', v.key).update(content).digest()] : [],
      );
      if (hmacs.some((expected) => timingSafeEqual(expected, bytes)))
        return { ok: true, id: id.value, timestamp: seconds };
    } else if (version === 'v1a' && bytes.length === 64) {
      for (const v of verifiers) {
        if (v.kind === 'v1a-verify' && verify(null, content, v.key, bytes)) {
          return { ok: true, id: id.value, timestamp: seconds };
        }
      }
    }
  }
  return fail('invalid_signature', 'No webhook signature matches the endpoint secret');
}
