import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: main.ts must work when run from there. */
const repoRoot = join(here, '..', '..', '..');
/** The built entry point the tests run, as `pnpm start` does. */
const mainJs = join(repoRoot, 'apps', 'server', 'dist', 'main.js');

/** Fails with a clear message when the server has not been built. */
function assertBuilt(): void {
  if (!existsSync(mainJs)) {
    throw new Error(`${mainJs} is missing: run \`pnpm --filter @keyward/server build\` first`);
  }
}

/** A server process started from the built main.js. */
export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The environment for a child server: only what the test gives, plus PATH, so that a
 * DATABASE_URL or NODE_ENV of the test runner cannot leak into it.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

/** Runs main.js with `env` until it exits; resolves with its code and output. */
export function runToExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs], { cwd: repoRoot, env: childEnv(env) });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.js did not exit within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Starts main.js with PORT=0 and resolves once it logs the address it listens on. */
export function startServer(env: Record<string, string>, timeoutMs = 90_000): Promise<SpawnedServer> {
  assertBuilt();
  const child = spawn(process.execPath, [mainJs], {
    cwd: repoRoot,
    env: childEnv({ PORT: '0', LOG_LEVEL: 'info', ...env }),
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.js did not start within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { url?: string };
          if (typeof entry.url === 'string') {
            clearTimeout(timer);
            resolve({ url: entry.url, child, output: () => output, exited });
            return;
          }
        } catch {
          // a partial line: wait for the rest
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (output += d));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`main.js exited (${code ?? signal}) before listening: ${output}`));
    });
  });
}
