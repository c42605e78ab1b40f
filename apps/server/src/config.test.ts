import { DEV_API_KEY, hashApiKey } from '@keyward/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const entry = (overrides: Record<string, unknown> = {}) => ({
  hash: 'a'.repeat(64),
  name: 'ci',
  tenant_id: 't1',
  environment_id: 'prod',
  scopes: ['*'],
  ...overrides,
});

function withFile(json: unknown) {
  return { cwd: '/srv', readFile: () => (typeof json === 'string' ? json : JSON.stringify(json)) };
}

describe('loadConfig', () => {
  it('uses the documented defaults (docs/server.md)', () => {
    const config = loadConfig({}, { cwd: '/srv' });
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: null,
      dataDir: '/srv/data',
      staticKeys: null,
      production: false,
      devKey: true,
      logLevel: 'info',
      trustProxy: false,
      // Unset: the store's own defaults (docs/server.md says what they are).
      storeTimeouts: {},
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads the store timeouts in whole milliseconds, and refuses anything else naming the variable', () => {
    const config = loadConfig(
      {
        KEYWARD_DB_CONNECT_TIMEOUT_MS: '2000',
        KEYWARD_DB_QUERY_TIMEOUT_MS: '8000',
        KEYWARD_LOOKUP_TIMEOUT_MS: '300',
        KEYWARD_DB_HEARTBEAT_MS: '250',
      },
      { cwd: '/srv' },
    );
    expect(config.storeTimeouts).toEqual({
      connectTimeoutMs: 2000,
      queryTimeoutMs: 8000,
      lookupTimeoutMs: 300,
      heartbeatIntervalMs: 250,
    });
    expect(loadConfig({ KEYWARD_LOOKUP_TIMEOUT_MS: '' }, { cwd: '/srv' }).storeTimeouts).toEqual({});
    for (const name of [
      'KEYWARD_DB_CONNECT_TIMEOUT_MS',
      'KEYWARD_DB_QUERY_TIMEOUT_MS',
      'KEYWARD_LOOKUP_TIMEOUT_MS',
      'KEYWARD_DB_HEARTBEAT_MS',
    ]) {
      for (const bad of ['0', '1.5', '-1', '500ms', '3600001', '2147483648']) {
        expect(() => loadConfig({ [name]: bad }, { cwd: '/srv' })).toThrow(new RegExp(`^${name}: `));
      }
    }
  });

  it('reads the timeouts in milliseconds, and refuses zero, fractions, units and huge values', () => {
    const config = loadConfig(
      { KEYWARD_REQUEST_TIMEOUT_MS: '1000', KEYWARD_KEEP_ALIVE_TIMEOUT_MS: '5000', KEYWARD_SHUTDOWN_TIMEOUT_MS: '250' },
      { cwd: '/srv' },
    );
    expect(config).toMatchObject({ requestTimeoutMs: 1000, keepAliveTimeoutMs: 5000, shutdownTimeoutMs: 250 });
    for (const name of ['KEYWARD_REQUEST_TIMEOUT_MS', 'KEYWARD_KEEP_ALIVE_TIMEOUT_MS', 'KEYWARD_SHUTDOWN_TIMEOUT_MS']) {
      for (const bad of ['0', '-1', '1.5', '30s', '3600001', '99999999999']) {
        expect(() => loadConfig({ [name]: bad }, { cwd: '/srv' }), `${name}=${bad}`).toThrow(new RegExp(`^${name}: `));
      }
    }
  });

  it('reads KEYWARD_TRUST_PROXY as a boolean, a hop count or a list of proxies, and refuses anything else', () => {
    const trust = (value: string) => loadConfig({ KEYWARD_TRUST_PROXY: value }, { cwd: '/srv' }).trustProxy;
    expect(trust('true')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8, 127.0.0.1');
    expect(trust('::1')).toBe('::1');
    for (const bad of ['yes please', 'proxy.example.com', 'x1', '-1']) {
      expect(() => trust(bad)).toThrow(/^KEYWARD_TRUST_PROXY: /);
    }
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '0',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://u@db:5432/keys',
        KEYWARD_DATA_DIR: '/var/keyward',
        KEYWARD_CONFIG: 'keys.json',
        LOG_LEVEL: 'warn',
        KEYWARD_DEV_KEY: '0',
      },
      withFile({ keys: [entry()] }),
    );
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@db:5432/keys',
      dataDir: '/var/keyward',
      logLevel: 'warn',
      devKey: false,
    });
    expect(config.staticKeys?.keys).toHaveLength(1);
    expect(config.staticKeys?.keys[0]).toMatchObject({ tenantId: 't1', environmentId: 'prod', scopes: ['*'] });
  });

  it('turns the development key off in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, { cwd: '/srv' })).toMatchObject({ production: true, devKey: false });
    // memory:// is the in-memory database, never a folder named memory: under the working directory.
    expect(loadConfig({ KEYWARD_DATA_DIR: 'memory://' }, { cwd: '/srv' }).dataDir).toBe('memory://');
    expect(loadConfig({ KEYWARD_DATA_DIR: 'memory' }, { cwd: '/srv' }).dataDir).toBe('/srv/memory');
    // Any spelling that is not a known development value is production: the key stays off.
    for (const NODE_ENV of ['Production', 'PRODUCTION', 'prod', 'production ', 'staging']) {
      expect(loadConfig({ NODE_ENV })).toMatchObject({ production: true, devKey: false });
      expect(() => loadConfig({ NODE_ENV, KEYWARD_DEV_KEY: '1' })).toThrow(/development key/);
    }
    for (const NODE_ENV of ['development', 'test', 'Development']) {
      expect(loadConfig({ NODE_ENV })).toMatchObject({ production: false, devKey: true });
    }
  });

  it('refuses to start in production with the development key asked for', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', KEYWARD_DEV_KEY: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', KEYWARD_DEV_KEY: 'true' })).toThrow(/development key/);
    expect(() =>
      loadConfig(
        { NODE_ENV: 'production', KEYWARD_CONFIG: 'keys.json' },
        withFile({ keys: [entry(), entry({ hash: hashApiKey(DEV_API_KEY), name: 'dev' })] }),
      ),
    ).toThrow(/keys\[1\] is the public development key/);
    // Outside production the same config is fine.
    expect(
      loadConfig({ KEYWARD_CONFIG: 'keys.json' }, withFile({ keys: [entry({ hash: hashApiKey(DEV_API_KEY) })] }))
        .staticKeys?.keys,
    ).toHaveLength(1);
  });

  it('names the bad entry of a malformed config file', () => {
    const env = { KEYWARD_CONFIG: 'keys.json' };
    expect(() => loadConfig(env, withFile({ keys: [entry(), entry({ hash: 'nope', name: 'deploy' })] }))).toThrow(
      /KEYWARD_CONFIG: .*keys\[1\] \("deploy"\)\.hash/,
    );
    expect(() => loadConfig(env, withFile({ keys: [entry({ scope: ['*'] })] }))).toThrow(/keys\[0\]/);
    expect(() => loadConfig(env, withFile({ key: [] }))).toThrow(/KEYWARD_CONFIG/);
    expect(() => loadConfig(env, withFile('{"keys": ['))).toThrow(/not valid JSON/);
    expect(() =>
      loadConfig(env, {
        readFile: () => {
          throw Object.assign(new Error('no'), { code: 'ENOENT' });
        },
      }),
    ).toThrow(/KEYWARD_CONFIG: cannot read .*ENOENT/);
  });

  it('never echoes file content when the JSON is broken', () => {
    const message = (() => {
      try {
        loadConfig({ KEYWARD_CONFIG: 'k.json' }, withFile(`{"keys": [${DEV_API_KEY}]}`));
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/not valid JSON/);
    expect(message).not.toContain(DEV_API_KEY.slice(0, 16));
  });

  it('names the variable when one is malformed', () => {
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/^PORT: /);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/^PORT: /);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: /);
    expect(() => loadConfig({ KEYWARD_DEV_KEY: 'maybe' })).toThrow(/^KEYWARD_DEV_KEY: /);
  });

  it('accepts exactly the ports 0..65535', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 7 }), (port) => {
        let ok: boolean;
        try {
          ok = loadConfig({ PORT: port }, { cwd: '/' }).port === (port === '' ? 3000 : Number(port));
        } catch (err) {
          ok = false;
          expect(err).toBeInstanceOf(ConfigError);
        }
        const valid = port === '' || (/^\d{1,5}$/.test(port) && Number(port) <= 65535);
        expect(ok).toBe(valid);
      }),
    );
  });
});
