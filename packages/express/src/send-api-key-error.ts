import type { ApiKeyError } from '@keyward/core';
import { toErrorResponse } from '@keyward/core/adapter';
import type { Response } from 'express';

/** Sends core's rendering of `error`, so the bytes match the Fastify and Koa adapters. */
export function sendApiKeyError(res: Response, error: ApiKeyError): void {
  const { status, headers, body } = toErrorResponse(error);
  res.status(status).set(headers).send(body);
}
