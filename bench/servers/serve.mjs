// The child side of lib/child.mjs: report the port once listening, answer CPU and RSS readings,
// run scenario-specific requests, and stop on SIGTERM.

/** Tells the parent where the server listens; `handlers` answer the parent's other requests. */
export function listening(port, { info = {}, handlers = {}, close = async () => {} } = {}) {
  process.on('message', async ({ type, id, payload }) => {
    let value;
    if (type === 'cpu') {
      const { user, system } = process.cpuUsage();
      value = user + system;
    } else if (type === 'rss') {
      value = process.memoryUsage().rss;
    } else if (handlers[type]) {
      value = await handlers[type](payload);
    }
    process.send({ type: 'reply', id, value });
  });
  process.on('SIGTERM', async () => {
    await close();
    process.exit(0);
  });
  // The parent died (or stopped listening): never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'listening', port, info });
}

export const variant = process.argv[2];
