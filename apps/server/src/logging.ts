import type { FastifyServerOptions } from 'fastify';
import { scrubSecrets } from './scrub-secrets.js';

const REDACTED = '[Redacted]';

/**
 * Headers whose values are logged as sent: they help when debugging (who called, through which
 * proxy, with what body) and carry no credential. Every other header is logged by name with its
 * value replaced by `[Redacted]`: a key sent as `X-Api-Key-Backup`, `X_API_Key` or `X-Auth-Token`
 * is a key all the same, and no list of bad names can foresee them all. `Idempotency-Key` must
 * stay out: it opens the stored answer of a create or rotation, which holds the new key.
 */
const LOGGED_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'expect',
  'forwarded',
  'host',
  'origin',
  'referer',
  'transfer-encoding',
  'user-agent',
  'via',
  'webhook-id',
  'webhook-timestamp',
  'x-environment-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
  'x-request-id',
]);

// Headers that hold a URL, whose query string is redacted like the request's own.
const URL_HEADERS = new Set(['origin', 'referer']);

/**
 * A URL with the value of every query parameter replaced by `[Redacted]`: `?api_key=…` is how
 * many APIs take a key, so callers try it, and the query string is in every request log.
 */
function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals === -1 ? part : `${part.slice(0, equals)}=${REDACTED}`;
    })
    .join('&');
  return `${url.slice(0, start)}?${query}`;
}

function logHeaders(headers: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!LOGGED_HEADERS.has(name)) out[name] = REDACTED;
    else if (URL_HEADERS.has(name)) out[name] = Array.isArray(value) ? value.map(redactQuery) : redactQuery(value);
    else out[name] = value;
  }
  return out;
}

interface LoggedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}

type StreamWrite = (line: string) => string;

/**
 * The server's pino options from `createApp`'s `logger`: requests are logged with their query
 * values and every header outside {@link LOGGED_HEADERS} redacted, bodies never, and every line
 * passes through {@link scrubSecrets} on its way to the stream, whatever logged it.
 */
export function loggerOptions(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  const hooks = (base.hooks as { streamWrite?: StreamWrite } | undefined) ?? {};
  const theirs = hooks.streamWrite;
  return {
    ...base,
    hooks: {
      ...hooks,
      streamWrite: (line: string) => scrubSecrets(theirs === undefined ? line : theirs(line)),
    },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactQuery(req.url),
        remoteAddress: req.ip,
        headers: logHeaders(req.headers),
      }),
      ...((base.serializers as Record<string, unknown> | undefined) ?? {}),
    },
  } as FastifyServerOptions['logger'];
}
