import { type ApiKeyError, toErrorResponse } from '@keyward/core';
import type { FastifyReply } from 'fastify';

/** Sends core's rendering of `error`, so the bytes match the Express and Koa adapters. */
export function sendApiKeyError(reply: FastifyReply, error: ApiKeyError): FastifyReply {
  const { status, headers, body } = toErrorResponse(error);
  return reply.code(status).headers(headers).send(body);
}
