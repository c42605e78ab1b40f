import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** The built `keyward` as a subprocess (run `pnpm build` first), with only PATH and `env`. */
export function keyward(args: string[], env: Record<string, string> = {}) {
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
export async function closeStdout(child: ChildProcess): Promise<void> {
  const closed = once(child.stdout!, 'close');
  child.stdout!.destroy();
  await closed;
}
