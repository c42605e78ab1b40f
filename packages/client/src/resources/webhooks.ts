import { isObject } from '../is-object.js';
import type { Transport } from '../transport.js';
import type {
  CallOptions,
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  ListWebhookDeliveriesInput,
  RotateWebhookSecretInput,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointList,
} from '../types.js';
import { callOptions, checkInput, idPath } from './call.js';

const ENDPOINTS_PATH = '/v1/webhooks/endpoints';

// The shapes the typed calls promise; anything else is invalid_response, not a wrong type.
const isEndpointBody = (body: unknown): boolean =>
  isObject(body) && typeof body.id === 'string' && typeof body.toleranceSeconds === 'number';
const isCreatedBody = (body: unknown): boolean =>
  isEndpointBody(body) && isObject(body) && typeof body.secret === 'string';
const isListBody = (body: unknown): boolean =>
  isObject(body) && Array.isArray(body.items) && body.items.every(isEndpointBody);
const isDeliveryBody = (body: unknown): boolean =>
  isObject(body) && typeof body.webhookId === 'string' && typeof body.receivedAt === 'string';
const isDeliveryPageBody = (body: unknown): boolean =>
  isObject(body) && Array.isArray(body.items) && body.items.every(isDeliveryBody) && isObject(body.pagination);

/** An endpoint's record without any field a server might add, such as its secret. */
function toEndpoint({ id, name, toleranceSeconds, createdAt }: WebhookEndpoint): WebhookEndpoint {
  return { id, name, toleranceSeconds, createdAt };
}

/**
 * Webhook receiving endpoints and what they received. Reached as `client.webhooks`; listing
 * needs `keys:read`, changes need `keys:write`. An endpoint receives at
 * `POST /v1/webhooks/{tenant_id}/{environment_id}/{id}`, signed the Standard Webhooks way with its
 * `whsec_` secret (core's `signWebhook`).
 */
export class WebhookManagement {
  readonly #transport: Pick<Transport, 'send'>;

  /** Made by `createClient`; reach it as `client.webhooks`. */
  constructor(transport: Pick<Transport, 'send'>) {
    this.#transport = transport;
  }

  /**
   * A new endpoint. Not retried (a retry could make two). Its `secret` is in the result this once:
   * give it to the sender now.
   *
   * @example
   * const { id, secret } = await client.webhooks.createEndpoint({ name: 'billing' });
   */
  async createEndpoint(input: CreateWebhookEndpointInput = {}, options?: CallOptions): Promise<CreatedWebhookEndpoint> {
    const { name, toleranceSeconds } = checkInput('webhooks.createEndpoint', input);
    const created = await this.#transport.send({
      operation: 'webhooks.createEndpoint',
      method: 'POST',
      path: ENDPOINTS_PATH,
      body: { name, toleranceSeconds },
      isExpectedBody: isCreatedBody,
      ...callOptions(options),
    });
    return { ...toEndpoint(created as WebhookEndpoint), secret: (created as CreatedWebhookEndpoint).secret };
  }

  /** The endpoints of the calling key's tenant and environment, without their secrets. */
  async listEndpoints(options?: CallOptions): Promise<WebhookEndpointList> {
    const list = (await this.#transport.send({
      operation: 'webhooks.listEndpoints',
      method: 'GET',
      path: ENDPOINTS_PATH,
      isExpectedBody: isListBody,
      ...callOptions(options),
    })) as WebhookEndpointList;
    return { items: list.items.map(toEndpoint) };
  }

  /**
   * Deletes an endpoint and its deliveries: webhooks to it are refused from then on. Retried like
   * every DELETE; a retry after a lost response can answer `not_found` for an endpoint this call
   * did delete.
   */
  async deleteEndpoint(id: string, options?: CallOptions): Promise<void> {
    await this.#transport.send({
      operation: 'webhooks.deleteEndpoint',
      method: 'DELETE',
      path: idPath('webhooks.deleteEndpoint', ENDPOINTS_PATH, id),
      ...callOptions(options),
    });
  }

  /**
   * A new secret for an endpoint, shown this once; the old one keeps verifying for
   * `gracePeriodSeconds` (the server's default is a day), so the sender can switch without
   * losing a webhook. Not retried (a retry would rotate twice and end the first new secret).
   */
  async rotateSecret(
    id: string,
    input: RotateWebhookSecretInput = {},
    options?: CallOptions,
  ): Promise<CreatedWebhookEndpoint> {
    const path = `${idPath('webhooks.rotateSecret', ENDPOINTS_PATH, id)}/rotate-secret`;
    const { gracePeriodSeconds } = checkInput('webhooks.rotateSecret', input);
    const rotated = await this.#transport.send({
      operation: 'webhooks.rotateSecret',
      method: 'POST',
      path,
      body: { gracePeriodSeconds },
      isExpectedBody: isCreatedBody,
      ...callOptions(options),
    });
    return { ...toEndpoint(rotated as WebhookEndpoint), secret: (rotated as CreatedWebhookEndpoint).secret };
  }

  /** One page of the webhooks an endpoint received and verified, newest first. */
  async listDeliveries(
    id: string,
    input: ListWebhookDeliveriesInput = {},
    options?: CallOptions,
  ): Promise<WebhookDeliveryPage> {
    const path = `${idPath('webhooks.listDeliveries', ENDPOINTS_PATH, id)}/deliveries`;
    const { limit, offset } = checkInput('webhooks.listDeliveries', input);
    return (await this.#transport.send({
      operation: 'webhooks.listDeliveries',
      method: 'GET',
      path,
      query: { limit, offset },
      isExpectedBody: isDeliveryPageBody,
      ...callOptions(options),
    })) as WebhookDeliveryPage;
  }
}
