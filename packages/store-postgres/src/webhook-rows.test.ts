import { describe, expect, it } from 'vitest';
import { rowToDelivery, rowToStoredEndpoint, secretsToJson } from './webhook-rows.js';

const row = {
  id: 'whe_1',
  tenant_id: 't1',
  environment_id: 'prod',
  name: null,
  tolerance_seconds: 300,
  created_at: new Date('2030-01-01T00:00:00.000Z'),
};

describe('webhook rows', () => {
  it('reads the secrets back as written, from parsed jsonb or its text', () => {
    const secrets = [
      { secret: 'whsec_new', expiresAt: null },
      { secret: 'whsec_old', expiresAt: new Date('2030-01-02T00:00:00.123Z') },
    ];
    const json = secretsToJson(secrets);
    expect(JSON.parse(json)).toEqual([
      { secret: 'whsec_new', expires_at: null },
      { secret: 'whsec_old', expires_at: '2030-01-02T00:00:00.123Z' },
    ]);
    for (const stored of [JSON.parse(json), json]) {
      expect(rowToStoredEndpoint({ ...row, secrets: stored }).secrets).toEqual(secrets);
    }
  });

  it('refuses a damaged secrets column rather than verify webhooks against it', () => {
    for (const secrets of [
      null,
      {},
      '{}',
      [{ secret: 1, expires_at: null }],
      [{ secret: 'whsec_x', expires_at: 5 }],
      [null],
    ]) {
      expect(() => rowToStoredEndpoint({ ...row, secrets })).toThrow(
        new TypeError('@keyward/store-postgres: keyward_webhook_endpoints.secrets is not a list of secrets'),
      );
    }
  });

  it('reads a bigint size sent back as text or as a number', () => {
    const base = { webhook_id: 'm', endpoint_id: 'whe_1', event_type: null, received_at: '2030-01-01T00:00:00Z' };
    expect(rowToDelivery({ ...base, size: '9007199254740991' }).size).toBe(Number.MAX_SAFE_INTEGER);
    expect(rowToDelivery({ ...base, size: 7 })).toEqual({
      webhookId: 'm',
      endpointId: 'whe_1',
      eventType: null,
      receivedAt: new Date('2030-01-01T00:00:00Z'),
      size: 7,
    });
  });
});
