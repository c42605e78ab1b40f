import { createClient } from '@keyward/client';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { keysCommand } from './keys.js';

const KEY = 'cd'.repeat(32);
const NEW_KEY = 'ef'.repeat(32);
const ORIGIN = 'http://keyward.test';

const record = {
  id: 'key_1',
  name: 'ci',
  type: 'private_key',
  provider: 'keyward',
  display_id: 'efefef***ef',
  status: 'active',
  scopes: ['keys:read'],
  tenant_id: 't1',
  environment_id: 'dev',
  user_id: null,
  user_type: null,
  roles: ['keys:read'],
  expires_at: null,
  last_used_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

let agent: MockAgent;
let out: string[];
let err: string[];
const io: CliIo = {
  stdout: (t) => out.push(t),
  stderr: (t) => err.push(t),
  readStdin: async () => '',
  env: {},
};

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  out = [];
  err = [];
});
afterEach(() => agent.close());

const client = () => createClient({ apiKey: KEY, baseUrl: ORIGIN, dispatcher: agent, retries: 0 });

describe('keyward keys', () => {
  it('creates a key, printing only the new key on stdout', async () => {
    let sent: unknown;
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/api/keys', method: 'POST' })
      .reply(201, (opts) => {
        sent = JSON.parse(String(opts.body));
        return { api_key: NEW_KEY, secret: record };
      });
    const code = await keysCommand(io, ['create'], { json: false, name: 'ci', scopes: 'keys:read' }, client());
    expect(code).toBe(0);
    expect(sent).toEqual({ name: 'ci', scopes: ['keys:read'] });
    expect(out.join('')).toBe(`${NEW_KEY}\n`);
    expect(err.join('')).toContain('key_1');
    expect(err.join('')).not.toContain(NEW_KEY);
  });

  it('lists keys with their totals', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/api/keys?limit=1&offset=2', method: 'GET' })
      .reply(200, { items: [record], pagination: { total: 3, limit: 1, offset: 2 } });
    const code = await keysCommand(io, ['list'], { json: false, limit: '1', offset: '2' }, client());
    expect(code).toBe(0);
    expect(out.join('')).toContain('key_1  ci    efefef***ef  active  keys:read  never    never');
    expect(out.join('')).toContain('1 of 3 (from 2)');
  });

  it('prints a name with control or bidirectional characters escaped, whatever the server sent', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/api/keys', method: 'GET' })
      .reply(200, {
        items: [{ ...record, name: 'ci\u001b[2J\r\u202eexe' }],
        pagination: { total: 1, limit: 50, offset: 0 },
      });
    const code = await keysCommand(io, ['list'], { json: false }, client());
    expect(code).toBe(0);
    expect(out.join('')).toContain('ci\\u{1b}[2J\\u{d}\\u{202e}exe');
    expect(out.join('')).not.toMatch(/[\u001b\r\u202e]/);
  });

  it('deactivates a key with update --active false', async () => {
    let sent: unknown;
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/api/keys/key_1', method: 'PATCH' })
      .reply(200, (opts) => {
        sent = JSON.parse(String(opts.body));
        return { ...record, status: 'inactive' };
      });
    expect(await keysCommand(io, ['update', 'key_1'], { json: true, active: 'false' }, client())).toBe(0);
    expect(sent).toEqual({ active: false });
    expect(JSON.parse(out.join('')).status).toBe('inactive');
  });

  it('revokes a key', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/api/keys/key_1', method: 'DELETE' }).reply(204, '');
    expect(await keysCommand(io, ['revoke', 'key_1'], { json: false, yes: true }, client())).toBe(0);
    expect(out.join('')).toBe('revoked key_1\n');
  });

  it('rotates with a grace period', async () => {
    let sent: unknown;
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/api/keys/key_1/rotate', method: 'POST' })
      .reply(201, (opts) => {
        sent = JSON.parse(String(opts.body));
        return { api_key: NEW_KEY, secret: { ...record, id: 'key_2' } };
      });
    expect(await keysCommand(io, ['rotate', 'key_1'], { json: false, gracePeriodSeconds: '60' }, client())).toBe(0);
    expect(sent).toEqual({ grace_period_seconds: 60 });
    expect(out.join('')).toBe(`${NEW_KEY}\n`);
  });

  it('refuses a non-numeric --limit and a missing id before any request', async () => {
    await expect(keysCommand(io, ['list'], { json: false, limit: 'ten' }, client())).rejects.toThrow(/--limit/);
    await expect(keysCommand(io, ['get'], { json: false }, client())).rejects.toThrow(/one key id/);
  });

  it('surfaces the server error code and never prints the calling key', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/api/keys/key_9', method: 'GET' })
      .reply(404, { error: { code: 'not_found', message: 'Not found' } });
    await expect(keysCommand(io, ['get', 'key_9'], { json: false }, client())).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(out.join('') + err.join('')).not.toContain(KEY);
  });
});
