// Compiled by ../openapi-client-types.test.ts against types that openapi-typescript generates
// from the server's OpenAPI document (./generated/openapi.ts, git-ignored): each response body
// of the document, camelCased as the client reads it, must be exactly the client's type. A field
// renamed, added, dropped or retyped on either side fails to compile (the three ApiKey fields
// `Open` names excepted, which the client keeps wider on purpose).
import type {
  ApiKey,
  ApiKeyContext,
  ApiKeyPage,
  CreatedApiKey,
  CreatedPortalSession,
  CreatedWebhookEndpoint,
  KeywardErrorCode,
  PortalSession,
  WebhookDeliveryPage,
  WebhookEndpointList,
} from '@keyward/client';
import type { ErrorCode } from '@keyward/core';
import type { paths } from './generated/openapi.js';

type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : S;
/** A wire body as the client hands it over: every object key camelCased (the client's toCamelCase). */
type Camel<T> = T extends readonly (infer Item)[]
  ? Camel<Item>[]
  : T extends object
    ? { [K in keyof T as K extends string ? CamelKey<K> : K]: Camel<T[K]> }
    : T;

/**
 * The ApiKey fields the client deliberately types wider than the document (`string` where the
 * server sends one literal today), so that a client keeps compiling when the server adds a
 * value. Only these three are opened; every other field must match exactly.
 */
type Open<T> = T extends readonly (infer Item)[]
  ? Open<Item>[]
  : T extends object
    ? {
        [K in keyof T]: K extends 'type' | 'provider' ? string : K extends 'userType' ? string | null : Open<T[K]>;
      }
    : T;

/** `true` only when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** The JSON body of `status` of `method path`, as generated. */
type Body<
  Path extends keyof paths,
  Method extends keyof paths[Path],
  Status extends number,
> = paths[Path][Method] extends { responses: { [S in Status]: { content: { 'application/json': infer B } } } }
  ? B
  : never;

type Created = Body<'/v1/secrets/api/keys', 'post', 201>;

export type Checks = [
  Assert<Same<Camel<Body<'/v1/me', 'get', 200>>, ApiKeyContext>>,
  Assert<Same<Open<Camel<Body<'/v1/secrets/api/keys', 'get', 200>>>, ApiKeyPage>>,
  Assert<Same<Open<Camel<Body<'/v1/secrets/api/keys/{id}', 'get', 200>>>, ApiKey>>,
  Assert<Same<Open<Camel<Body<'/v1/secrets/api/keys/{id}', 'patch', 200>>>, ApiKey>>,
  // What the server sends today is always something the client's type accepts.
  Assert<Camel<Body<'/v1/secrets/api/keys/{id}', 'get', 200>> extends ApiKey ? true : false>,
  // The client renames the two fields FlexPrice's shape calls api_key and secret.
  Assert<Same<{ key: Created['api_key']; apiKey: Open<Camel<Created['secret']>> }, CreatedApiKey>>,
  Assert<Same<Body<'/v1/secrets/api/keys/{id}/rotate', 'post', 201>, Created>>,
  Assert<Same<Camel<Body<'/v1/portal/sessions', 'post', 201>>, CreatedPortalSession>>,
  Assert<Same<Camel<Body<'/v1/portal/me', 'get', 200>>, PortalSession>>,
  Assert<Same<Camel<Body<'/v1/webhooks/endpoints', 'post', 201>>, CreatedWebhookEndpoint>>,
  Assert<Same<Camel<Body<'/v1/webhooks/endpoints/{id}/rotate-secret', 'post', 201>>, CreatedWebhookEndpoint>>,
  Assert<Same<Camel<Body<'/v1/webhooks/endpoints', 'get', 200>>, WebhookEndpointList>>,
  Assert<Same<Camel<Body<'/v1/webhooks/endpoints/{id}/deliveries', 'get', 200>>, WebhookDeliveryPage>>,
  // The error code is core's closed table, which the client's codes extend.
  Assert<Same<Body<'/v1/me', 'get', 401>['error']['code'], ErrorCode>>,
  Assert<Same<Extract<KeywardErrorCode, ErrorCode>, ErrorCode>>,
];
