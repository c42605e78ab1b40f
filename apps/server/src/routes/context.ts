import type { ApiKeyContext, KeyScope } from '@keyward/core';

/** The tenant and environment every management call of this key is confined to. */
export function keyScopeOf(context: ApiKeyContext): KeyScope {
  return { tenantId: context.tenantId, environmentId: context.environmentId };
}
