// The built `keyward` executable as a real subprocess: what only a real process shows (the
// version read from the bundle, a pipe closed by its reader). Run `pnpm build` first.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { type FakeServer, startFakeServer, WIRE_API_KEY } from './fake-server.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function keyward(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'close').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, exited };
}

/** Closes the reading end of the child's stdout, as `| head -0` does, and waits until it is closed. */
async function closeStdout(child: ChildProcess): Promise<void> {
  const closed = once(child.stdout!, 'close');
  child.stdout!.destroy();
  await closed;
}

describe('the keyward executable', () => {
  it('prints its version', async () => {
    const { child, exited } = keyward(['--version']);
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stdin!.end();
    expect(await exited).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`keyward ${pkg.version}\n`);
  });

  it('exits quietly when the reader of its output has gone (`keyward hash < key | head -0`)', async () => {
    const { child, exited } = keyward(['hash']);
    // The key is written only once the pipe is closed, so the hash is written to no reader.
    await closeStdout(child);
    child.stdin!.end(`${'ab'.repeat(32)}\n`);
    const { code, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });

  it('exits quietly when the reader of a listing has gone (`keyward keys list | head -0`)', async () => {
    let pipeClosed!: () => void;
    const after = new Promise<void>((resolve) => {
      pipeClosed = resolve;
    });
    const items = Array.from({ length: 200 }, (_, i) => ({ ...WIRE_API_KEY, id: `key_${i}` }));
    server = await startFakeServer({
      'GET /v1/secrets/api/keys': {
        status: 200,
        body: { items, pagination: { total: 200, limit: 200, offset: 0 } },
        after,
      },
    });
    const { child, exited } = keyward(['keys', 'list'], {
      KEYWARD_API_KEY: 'cd'.repeat(32),
      KEYWARD_BASE_URL: server.baseUrl,
    });
    child.stdin!.end();
    await closeStdout(child);
    pipeClosed();
    const { code, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
