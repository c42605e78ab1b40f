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

describe('getPortalSession (fastify)', () => {
  it('returns the session sessionAuth set', () => {
    expect(getPortalSession({ portalSession })).toBe(portalSession);
  });

  it('throws missing_session_token (401) for null, and where sessionAuth never ran', () => {
    for (const request of [{ portalSession: null }, {}]) {
      expect(() => getPortalSession(request)).toThrow(ApiKeyError);
      expect(() => getPortalSession(request)).toThrow(
        expect.objectContaining({ code: 'missing_session_token', status: 401 }),
      );
    }
  });
});
