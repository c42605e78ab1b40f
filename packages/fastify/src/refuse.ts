import type { ApiKeyError } from '@keyward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendApiKeyError } from './send-api-key-error.js';

/** Renders a refusal yourself: send a reply, or throw to use Fastify's error handler. */
export type OnApiKeyError = (error: ApiKeyError, request: FastifyRequest, reply: FastifyReply) => unknown;

/** Refuses `onError` when it is given and is not a function, naming the option. */
export function checkOnError(onError: unknown, caller: string): OnApiKeyError | undefined {
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${caller}: options.onError must be a function`);
  }
  return onError as OnApiKeyError | undefined;
}

/**
 * Answers a refused request the same way in every plugin: `onError` first, if given; the
 * standard response if it neither replied nor threw, so a forgetful handler fails closed. A
 * fault of the app (`internal_error`) is logged with its cause, which never reaches the caller.
 */
export async function refuse(
  error: ApiKeyError,
  request: FastifyRequest,
  reply: FastifyReply,
  onError: OnApiKeyError | undefined,
): Promise<FastifyReply> {
  if (error.code === 'internal_error') request.log.error({ err: error.cause }, 'keyward refused the request');
  if (onError) await onError(error, request, reply);
  if (!reply.sent) sendApiKeyError(reply, error);
  return reply;
}
