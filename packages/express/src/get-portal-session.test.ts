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

describe('getPortalSession (express)', () => {
  it('returns the session sessionAuth attached', () => {
    expect(getPortalSession({ portalSession })).toBe(portalSession);
  });

  it('throws missing_session_token (401) without one', () => {
    expect(() => getPortalSession({})).toThrow(ApiKeyError);
    expect(() => getPortalSession({})).toThrow(expect.objectContaining({ code: 'missing_session_token', status: 401 }));
  });
});
