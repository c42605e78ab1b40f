// The built `keyward` at a real terminal: `script` (util-linux) runs it on a pseudo-terminal, so
// the terminal's own echo is in play, as when a person pastes a key. Run `pnpm build` first.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { hashApiKey } from '@keyward/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from './fake-server.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** `keyward args` on a pseudo-terminal; `answer` is typed once `prompt` has shown. */
async function atTerminal(args: string[], prompt: string, answer: string, env: Record<string, string> = {}) {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env.PATH, TERM: 'dumb', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    screen += chunk;
    if (screen.includes(prompt) && answer !== '') {
      child.stdin.write(`${answer}\r`);
      answer = '';
    }
  });
  const [code] = await once(child, 'close');
  return { code: code as number, screen };
}

describe.skipIf(!hasScript)('keyward at a terminal (needs `script` from util-linux)', () => {
  it('hash: the pasted key never shows on the screen', async () => {
    const key = 'ab'.repeat(32);
    const { code, screen } = await atTerminal(['hash'], 'Paste the key (it is not shown)', key);
    expect(code).toBe(0);
    expect(screen).toContain(hashApiKey(key));
    expect(screen).not.toContain(key);
  });

  it('keys revoke: asks, and a "n" changes nothing', async () => {
    server = await startFakeServer({ 'DELETE /v1/secrets/api/keys/key_1': { status: 204 } });
    const env = { KEYWARD_API_KEY: 'cd'.repeat(32), KEYWARD_BASE_URL: server.baseUrl };
    const { code, screen } = await atTerminal(['keys', 'revoke', 'key_1'], '[y/N]', 'n', env);
    expect(screen).toContain('Revoke key key_1?');
    expect(screen).toContain('nothing was changed');
    expect(code).toBe(1);
    expect(server.requests).toEqual([]);
  });

  it('keys revoke: asks, and a "y" revokes', async () => {
    server = await startFakeServer({ 'DELETE /v1/secrets/api/keys/key_1': { status: 204 } });
    const env = { KEYWARD_API_KEY: 'cd'.repeat(32), KEYWARD_BASE_URL: server.baseUrl };
    const { code, screen } = await atTerminal(['keys', 'revoke', 'key_1'], '[y/N]', 'y', env);
    expect(screen).toContain('revoked key_1');
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE']);
  });
});
