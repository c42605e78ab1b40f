import { type ApiKeyContext, ApiKeyError, type KeyScope } from '@keyward/core';
import type { FastifyRequest } from 'fastify';

/**
 * The authenticated key of a request. The auth plugin has already refused a request without
 * one, so a missing context here means a route was opted out of auth by mistake: fail closed.
 */
export function requireApiKey(request: FastifyRequest): ApiKeyContext {
  const context = request.apiKey;
  if (!context) throw new ApiKeyError('missing_api_key');
  return context;
}

/** The tenant and environment every management call of this key is confined to. */
export function keyScopeOf(context: ApiKeyContext): KeyScope {
  return { tenantId: context.tenantId, environmentId: context.environmentId };
}
