import type { Duplex } from 'node:stream';
import { ApiKeyError } from '@keyward/core';
import { toErrorResponse } from '@keyward/core/adapter';
import type { FastifyInstance } from 'fastify';

/** What Node's HTTP server reports with a `clientError`. */
type ClientError = Error & { code?: string };

function validationError(message: string): string {
  const { status, headers, body } = toErrorResponse(new ApiKeyError('validation_error', { message }));
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [
    `HTTP/1.1 ${status} Bad Request`,
    ...lines,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

// The answers are fixed texts: the request was never parsed, so nothing of it is echoed.
const HEADERS_TOO_LARGE = validationError('request: headers larger than the server accepts');
const NOT_HTTP = validationError('request: not valid HTTP');
// The request did not arrive in time (requestTimeout): no keyward code fits, and the
// connection is closed anyway.
const TIMED_OUT = 'HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n';

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused a request (bad bytes, an obs-fold,
 * headers over the limit) or it timed out. Logged at `trace` by the parser's code only: the
 * error's `rawPacket` holds the bytes of the request, `X-API-Key` included. Answered with
 * keyward's error body and closed.
 */
export function onClientError(this: FastifyInstance, err: ClientError, socket: Duplex): void {
  // A reset connection is gone already; there is no one to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.trace({ code: err.code }, 'client error');
  const answer =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? TIMED_OUT
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? HEADERS_TOO_LARGE
        : NOT_HTTP;
  // As Node's own handler does: write what fits, then drop the connection.
  if (socket.writable) socket.write(answer);
  socket.destroy();
}
