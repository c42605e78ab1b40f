import { createClient } from '@keyward/client';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { portalCommand } from './portal.js';

const KEY = 'cd'.repeat(32);
const TOKEN = `kws_${'a1B2_-'.repeat(7)}z`;
const ORIGIN = 'http://keyward.test';
const CREATED = { token: TOKEN, session_id: 'ses_1', expires_at: '2030-01-01T01:00:00.000Z' };

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
afterEach(async () => {
  await agent.close();
  agent.assertNoPendingInterceptors();
});

const client = () => createClient({ apiKey: KEY, baseUrl: ORIGIN, dispatcher: agent, retries: 0 });

/** Answers one request to `path`, keeping the JSON body and headers it was sent with. */
function expect201(path: string, body: unknown) {
  const sent: { body?: unknown; headers?: Record<string, string> } = {};
  agent
    .get(ORIGIN)
    .intercept({ path, method: 'POST' })
    .reply(201, (opts) => {
      sent.body = JSON.parse(String(opts.body));
      sent.headers = opts.headers as Record<string, string>;
      return body;
    });
  return sent;
}

describe('keyward portal create-session', () => {
  it('mints a session for the customer and prints the token alone on stdout, once', async () => {
    const sent = expect201('/v1/portal/sessions', CREATED);
    const code = await portalCommand(io, ['create-session'], { customer: 'cus_42', ttl: '15m' }, client());
    expect(code).toBe(0);
    expect(sent.body).toEqual({ customer_id: 'cus_42', ttl_seconds: 900 });
    expect(sent.headers!['x-api-key']).toBe(KEY);
    expect(out.join('')).toBe(`${TOKEN}\n`);
    expect(err.join('')).toBe(
      'session ses_1 for customer cus_42, until 2030-01-01T01:00:00.000Z\n' +
        'Hand the token to the customer now: it is shown once.\n',
    );
  });

  it('leaves the TTL to the server without --ttl, and prints the session as JSON with --json', async () => {
    const sent = expect201('/v1/portal/sessions', CREATED);
    expect(await portalCommand(io, ['create-session'], { customer: 'cus_42', json: true }, client())).toBe(0);
    expect(sent.body).toEqual({ customer_id: 'cus_42' });
    // The API's own body, snake_case: what the server sent.
    expect(JSON.parse(out.join(''))).toEqual(CREATED);
    expect(err.join('')).not.toContain(TOKEN);
  });

  it.each([
    [[], {}, 'keyward portal create-session: --customer is required'],
    [[], { customer: '' }, 'keyward portal create-session: --customer is required'],
    [
      ['cus_42'],
      { customer: 'cus_42' },
      'keyward portal create-session: takes no arguments; name the customer with --customer',
    ],
    [
      [],
      { customer: 'c', ttl: 'soon' },
      'keyward portal create-session: --ttl must be a duration such as 90s, 15m, 1h or 1d (at most a year)',
    ],
    [[], { customer: 'c', name: 'x' }, 'keyward portal create-session: --name is not an option of this command'],
  ])('refuses %j %j before any request', async (args, options, message) => {
    await expect(portalCommand(io, ['create-session', ...args], options, client())).rejects.toThrow(message);
    expect(out).toEqual([]);
  });

  it('surfaces the server error code and never prints the calling key', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/portal/sessions', method: 'POST' })
      .reply(403, { error: { code: 'insufficient_scope', message: 'Insufficient scope' } });
    await expect(portalCommand(io, ['create-session'], { customer: 'cus_42' }, client())).rejects.toMatchObject({
      code: 'insufficient_scope',
      status: 403,
    });
    expect(out.join('') + err.join('')).not.toContain(KEY);
  });
});

describe('keyward portal revoke-session', () => {
  it('revokes a session by its id', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/portal/sessions/ses_1', method: 'DELETE' }).reply(204, '');
    expect(await portalCommand(io, ['revoke-session', 'ses_1'], { yes: true }, client())).toBe(0);
    expect(out.join('')).toBe('revoked ses_1\n');
  });

  it('prints {id, revoked} with --json', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/portal/sessions/ses_1', method: 'DELETE' }).reply(204, '');
    expect(await portalCommand(io, ['revoke-session', 'ses_1'], { json: true, yes: true }, client())).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ id: 'ses_1', revoked: true });
  });

  it.each([
    [[], {}, 'keyward portal revoke-session: takes one session id'],
    [['a', 'b'], {}, 'keyward portal revoke-session: takes one session id'],
    [['ses_1'], { ttl: '1h' }, 'keyward portal revoke-session: --ttl is not an option of this command'],
  ])('refuses %j %j before any request', async (args, options, message) => {
    await expect(portalCommand(io, ['revoke-session', ...args], options, client())).rejects.toThrow(message);
  });

  it('refuses a token given as the id without sending or printing it', async () => {
    await expect(portalCommand(io, ['revoke-session', TOKEN], { yes: true }, client())).rejects.toThrow(TypeError);
    expect(out.join('') + err.join('')).not.toContain(TOKEN);
  });

  it('a session of another tenant is not_found', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/portal/sessions/ses_9', method: 'DELETE' })
      .reply(404, { error: { code: 'not_found', message: 'Not found' } });
    await expect(portalCommand(io, ['revoke-session', 'ses_9'], { yes: true }, client())).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('keyward portal', () => {
  it('names an unknown subcommand only when it cannot be a secret', async () => {
    await expect(portalCommand(io, ['open'], {}, client())).rejects.toThrow('keyward portal: unknown command: open');
    await expect(portalCommand(io, [TOKEN], {}, client())).rejects.toThrow(
      'keyward portal: unknown command: (not shown)',
    );
    await expect(portalCommand(io, [], {}, client())).rejects.toThrow('keyward portal: unknown command: (none)');
  });
});
