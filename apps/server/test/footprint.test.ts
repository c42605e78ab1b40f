import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEY } from '@keyward/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from './spawn-server.js';

// The embedded default must fit a small container: under 200 MB resident once idle, on the
// start that creates the database and on a restart that opens it. Memory, not time: what a
// process holds does not depend on how busy the machine is. Linux only (it reads /proc).

const LIMIT_BYTES = 200 * 1024 * 1024;
const onLinux = existsSync('/proc/self/status');
if (!onLinux) console.warn('footprint.test.ts: skipped, it reads /proc (Linux only)');

const dir = mkdtempSync(join(tmpdir(), 'keyward-footprint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

async function idleResident(): Promise<number> {
  const server = await startServer({ KEYWARD_DATA_DIR: join(dir, 'data') });
  try {
    // A few requests that reach the database, as an operator's first minutes would.
    for (let i = 0; i < 5; i++) {
      for (const path of ['/v1/me', '/v1/secrets/api/keys']) {
        const response = await fetch(`${server.url}${path}`, { headers: { 'x-api-key': DEV_API_KEY } });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    return residentBytes(server.child.pid as number);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

describe.skipIf(!onLinux)('the reference server on its embedded database, idle', () => {
  it('holds under 200 MB on the start that creates the database, and on a restart', async () => {
    const first = await idleResident();
    const restart = await idleResident();
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    expect(first, `first start: ${mb(first)}`).toBeLessThan(LIMIT_BYTES);
    expect(restart, `restart: ${mb(restart)}`).toBeLessThan(LIMIT_BYTES);
  }, 240_000);
});
