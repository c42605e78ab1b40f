import { format } from 'node:util';
import * as core from '@keyward/core';
import { readmeExamples, runExample } from '@keyward/test-kit/readme-examples';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/create-app.js';
import { memoryStorage } from './helpers.js';

// The Node examples of the server's documentation, run as pasted against a live server: the
// root README's webhook example, and the sender of docs/server.md.

/** The ```js blocks of `section` (from its `## ` heading to the next) in `readme`. */
function examplesIn(readme: URL, section: string): string[] {
  const { text } = readmeExamples(readme);
  const start = text.indexOf(`\n## ${section}\n`);
  expect(start, `${readme.pathname} has a "## ${section}" section`).toBeGreaterThanOrEqual(0);
  const next = text.indexOf('\n## ', start + 1);
  const body = text.slice(start, next === -1 ? undefined : next);
  return [...body.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

/** Runs `code` and returns what it logged, each call as one line. */
async function logsOf(code: string): Promise<string[]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await runExample(code, { '@keyward/core': core });
    return log.mock.calls.map((args) => format(...args));
  } finally {
    log.mockRestore();
  }
}

/** What the example says it prints, in `// → …` comments, in order. */
const promised = (code: string) => [...code.matchAll(/\/\/ → (.*)$/gm)].map((match) => match[1]);

describe('the documented webhook examples', () => {
  let app: FastifyInstance;
  let server: string;
  const storage = memoryStorage();

  beforeAll(async () => {
    app = createApp({ storage, devKey: true, failureLimit: false });
    server = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('README: creates an endpoint and sends it a signed delivery, then its replay', async () => {
    const blocks = examplesIn(new URL('../../../README.md', import.meta.url), 'Webhooks');
    expect(blocks).toHaveLength(1);
    const code = blocks[0] as string;
    expect(code).toContain("'http://127.0.0.1:3000'");
    expect(promised(code)).toEqual(['204', '409']);
    // The documented address is where `pnpm start` listens; the test's server is on port 0.
    expect(await logsOf(code.replace("'http://127.0.0.1:3000'", `'${server}'`))).toEqual(promised(code));
    // It did what it says: one endpoint, one delivery of msg_1 recorded.
    const scope = { tenantId: core.DEV_TENANT_ID, environmentId: core.DEV_ENVIRONMENT_ID };
    const [endpoint] = await storage.webhooks.listEndpoints(scope);
    const page = await storage.webhooks.listDeliveries(scope, endpoint?.id ?? '');
    expect(page?.items.map((d) => [d.webhookId, d.eventType])).toEqual([['msg_1', 'invoice.paid']]);
  });

  it('docs/server.md: a sender signs with signWebhook', async () => {
    const blocks = examplesIn(new URL('../../../docs/server.md', import.meta.url), 'Webhooks');
    expect(blocks).toHaveLength(1);
    const code = blocks[0] as string;
    const scope = { tenantId: 't_docs', environmentId: 'prod' };
    const { secret, endpoint } = await storage.webhooks.createEndpoint(scope);
    vi.stubEnv('WEBHOOK_URL', `${server}/v1/webhooks/t_docs/prod/${endpoint.id}`);
    vi.stubEnv('WEBHOOK_SECRET', secret);
    try {
      expect(promised(code)).toEqual(['204']);
      expect(await logsOf(code)).toEqual(['204']);
      // Pasted again, the same webhook-id is a replay.
      expect(await logsOf(code)).toEqual(['409']);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
