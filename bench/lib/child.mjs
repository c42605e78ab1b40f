// Servers under test run in child processes, one per variant, so that each one's CPU time can
// be read on its own (process.cpuUsage over IPC) and none shares a heap with the load generator.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVERS = fileURLToPath(new URL('../servers/', import.meta.url));

/**
 * Starts `servers/<script>` with `variant` as its argument and waits for it to listen.
 * Returns its base URL, a `cpuMicros()` reading of its CPU time, and `stop()`.
 */
export async function startServer(script, variant, env = {}) {
  const child = fork(`${SERVERS}${script}`, [variant], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} ${variant} exited with ${code} before listening`)));
    child.on('message', (message) => {
      if (message.type === 'listening') resolve(message);
      if (message.type === 'reply') {
        pending.get(message.id)?.(message.value);
        pending.delete(message.id);
      }
    });
  });
  const ask = (type, payload) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ type, id, payload });
    });
  const { port, info } = await ready;
  child.removeAllListeners('exit');
  return {
    url: `http://127.0.0.1:${port}`,
    info,
    /** User + system CPU time of the server process so far, in microseconds. */
    cpuMicros: () => ask('cpu'),
    /** Resident set size of the server process, in bytes. */
    rss: () => ask('rss'),
    ask,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
