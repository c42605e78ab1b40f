// A reader that goes away before keyward has written (`keyward keys list | head -0`): the
// built executable as a subprocess, the pipe closed before anything is written to it, so the
// write fails every time. Node ignores SIGPIPE; without care the failed write is a stack trace.
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer, WIRE_API_KEY } from '../fake-server.js';
import { closeStdout, keyward } from '../spawn-bin.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('keyward writing to a closed pipe', () => {
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
