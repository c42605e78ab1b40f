// The built `keyward` executable as a real subprocess: the version read from the bundle. Run
// `pnpm build` first. The closed-pipe faults are in test/reliability/.
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { keyward } from './spawn-bin.js';

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
});
