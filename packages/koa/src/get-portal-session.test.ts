import { ApiKeyError, type PortalSession } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { getPortalSession } from './index.js';

const portalSession: PortalSession = {
  sessionId: 'ses_1',
  customerId: 'cus_1',
  tenantId: 't',
  environmentId: 'e',
  expiresAt: new Date(0),
};

describe('getPortalSession (koa)', () => {
  it('returns the session sessionAuth put in ctx.state', () => {
    expect(getPortalSession({ state: { portalSession } })).toBe(portalSession);
  });

  it('throws missing_session_token (401) without one', () => {
    expect(() => getPortalSession({ state: {} })).toThrow(ApiKeyError);
    expect(() => getPortalSession({ state: {} })).toThrow(
      expect.objectContaining({ code: 'missing_session_token', status: 401 }),
    );
  });
});
