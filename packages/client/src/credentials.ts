import { type ErrorCode, isApiKeyFormat, isSessionTokenFormat } from '@keyward/core';
import type { ApiKeyProvider, SessionTokenProvider } from './client-options.js';
import { KeywardError, type KeywardErrorRequest } from './errors.js';
import { redactError } from './redact.js';

// A keyward server takes two credentials that are never interchangeable: an API key on the key
// routes, a portal session token on the portal routes. One client sends exactly one of them, so
// a key can never travel on a portal route by accident, nor a token on a key route.

/** The header the client sends its key in, lowercase as undici sends it. */
export const API_KEY_HEADER = 'x-api-key';
/** The header the portal client sends its session token in. */
const SESSION_TOKEN_HEADER = 'x-session-token';

/** Both credential headers with the spelling messages use. Neither can be set through `headers`. */
const CREDENTIAL_HEADERS: Readonly<Record<string, string>> = {
  [API_KEY_HEADER]: 'X-API-Key',
  [SESSION_TOKEN_HEADER]: 'X-Session-Token',
};

/** Every credential header, lowercase: what debug events always show as `***`. */
export const CREDENTIAL_HEADER_NAMES: readonly string[] = Object.keys(CREDENTIAL_HEADERS);

/** The one credential a transport sends, and how it is checked before anything is sent. */
export interface Credential {
  /** The header it goes in, lowercase. */
  readonly header: string;
  /** `key` or `token`: how messages name it after "its own". */
  readonly noun: string;
  /** `API key` or `session token`: how messages name it in full. */
  readonly name: string;
  /** Why this client cannot send the other credential header, for the usage error. */
  readonly otherHeader: string;
  /**
   * The value to send, from the string or the provider function. Throws a `KeywardError` (status
   * 0, nothing sent) when there is none or it is not the right kind of credential.
   */
  resolve(request: KeywardErrorRequest): Promise<string>;
}

/**
 * Why `headers` may not set the header `name` (any case), or `undefined` when it may. The
 * client's own credential header would replace its credential, and the other one would send a
 * credential that the redaction of errors and debug events does not know about.
 */
export function credentialHeaderRefusal(credential: Credential, name: string): string | undefined {
  const lower = name.toLowerCase();
  const label = CREDENTIAL_HEADERS[lower];
  if (label === undefined) return undefined;
  const why = lower === credential.header ? `the client sends its own ${credential.noun}` : credential.otherHeader;
  return `headers cannot set ${label}; ${why}`;
}

/** What {@link resolveSecret} says for each way a credential can be wrong. */
interface SecretRules {
  /** The code of no credential at all, or of a provider that failed. */
  missing: ErrorCode;
  /** The code of a credential of the wrong form. */
  invalid: ErrorCode;
  providerFailed: string;
  none: string;
  /** The message for a malformed value, or `undefined` when it has the right form. */
  check(value: unknown): string | undefined;
}

async function resolveSecret(
  source: ApiKeyProvider | SessionTokenProvider | undefined,
  request: KeywardErrorRequest,
  rules: SecretRules,
): Promise<string> {
  let value: unknown = source;
  if (typeof source === 'function') {
    try {
      value = await source();
    } catch (err) {
      throw new KeywardError(rules.missing, rules.providerFailed, { request, cause: redactError(err, []) });
    }
  }
  if (value === undefined || value === null || value === '') {
    throw new KeywardError(rules.missing, rules.none, { request });
  }
  const refusal = rules.check(value);
  // The server would refuse it too; failing here saves the round trip and a failed attempt, and
  // keeps a credential of the other kind from being sent where it does not belong.
  if (refusal !== undefined) throw new KeywardError(rules.invalid, refusal, { request });
  return value as string;
}

const NOTHING_SENT = 'no request was sent';

/** The credential of `createClient`: an API key in `X-API-Key`. */
export function apiKeyCredential(source: ApiKeyProvider | undefined): Credential {
  const rules: SecretRules = {
    missing: 'missing_api_key',
    invalid: 'invalid_api_key',
    providerFailed: `The apiKey function failed; ${NOTHING_SENT}`,
    none: `No API key: pass apiKey to createClient or set KEYWARD_API_KEY; ${NOTHING_SENT}`,
    check: (value) => {
      if (isSessionTokenFormat(value)) {
        return `The API key is a portal session token; send tokens with createPortalClient({ token }); ${NOTHING_SENT}`;
      }
      return isApiKeyFormat(value) ? undefined : `The API key is not 64 lowercase hex characters; ${NOTHING_SENT}`;
    },
  };
  return {
    header: API_KEY_HEADER,
    noun: 'key',
    name: 'API key',
    otherHeader: 'session tokens are sent by createPortalClient',
    resolve: (request) => resolveSecret(source, request, rules),
  };
}

/** The credential of `createPortalClient`: a portal session token in `X-Session-Token`. */
export function sessionTokenCredential(source: SessionTokenProvider | undefined): Credential {
  const rules: SecretRules = {
    missing: 'missing_session_token',
    invalid: 'invalid_session_token',
    providerFailed: `The token function failed; ${NOTHING_SENT}`,
    none: `No session token: pass token to createPortalClient; ${NOTHING_SENT}`,
    check: (value) => {
      if (isApiKeyFormat(value)) {
        return `The token is an API key, not a session token; send keys with createClient({ apiKey }); ${NOTHING_SENT}`;
      }
      return isSessionTokenFormat(value)
        ? undefined
        : `The token is not a keyward session token (kws_…); ${NOTHING_SENT}`;
    },
  };
  return {
    header: SESSION_TOKEN_HEADER,
    noun: 'token',
    name: 'session token',
    otherHeader: 'a portal client never sends an API key',
    resolve: (request) => resolveSecret(source, request, rules),
  };
}
