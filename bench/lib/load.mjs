// HTTP load on loopback with autocannon, and the server's CPU time per request read around it.
import autocannon from 'autocannon';

/**
 * Runs autocannon against `server` (from lib/child.mjs) for `seconds` and returns requests per
 * second and the server's CPU microseconds per request. Any non-2xx answer or socket error
 * means the scenario is broken (a variant that refuses is not faster, it is wrong): throws.
 */
export async function load(server, { path = '/', headers = {}, seconds, connections = 10, expect = 200 }) {
  const cpuBefore = await server.cpuMicros();
  const result = await autocannon({
    url: `${server.url}${path}`,
    headers,
    connections,
    duration: seconds,
  });
  const cpuAfter = await server.cpuMicros();
  const total = result.requests.total;
  const answered = result[`${Math.floor(expect / 100)}xx`] ?? 0;
  if (result.errors > 0 || result.timeouts > 0 || answered !== total || total === 0) {
    throw new Error(
      `${server.url}${path}: ${total} requests, ${answered} answered ${expect}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return { rps: total / seconds, cpuUs: (cpuAfter - cpuBefore) / total };
}
